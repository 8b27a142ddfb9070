// The fastText listing-category model: training through a temporary fastText input file,
// integrity-checked model files, prediction, leave-one-out explanations and the scores of
// `dragnet eval classify`. fastText reports bad input by throwing (and a few paths call exit),
// so inputs are validated before it sees them and every call into it is wrapped.

#include "identify/category_model.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <optional>
#include <set>
#include <sstream>
#include <system_error>
#include <utility>

#include <fasttext/fasttext.h>
#include <unicode/locid.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unistd.h>

#include "core/file.h"
#include "core/hash.h"
#include "identify/lexicon.h"
#include "identify/utf8.h"

namespace dragnet::identify {
namespace {

constexpr std::string_view kLabelPrefix = "__label__";  // fastText's default -label
constexpr std::string_view kEndOfLine = "</s>";         // fastText's Dictionary::EOS
// fastText 0.9.2's file signature (fasttext.cc: FASTTEXT_FILEFORMAT_MAGIC_INT32, _VERSION).
constexpr int32_t kFastTextMagic = 793712314;
constexpr int32_t kFastTextVersion = 12;
// "<magic><64 hex digits of SHA-256 over the bytes before the trailer>\n".
constexpr std::string_view kTrailerMagic = "\ndragnet-category-model v1 sha256=";
constexpr size_t kTrailerSize = kTrailerMagic.size() + 64 + 1;
constexpr uintmax_t kMaxModelFileBytes = uintmax_t{4} << 30;

// A directory under $TMPDIR removed with its contents when it goes out of scope.
class TempDir {
 public:
  static Result<TempDir> Create() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec)
      return IoError("no temporary directory: " + ec.message());
    std::string pattern = (base / "dragnet-train-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return ErrnoError("cannot create a temporary directory", pattern);
    return TempDir(pattern);
  }
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    if (!path_.empty()) {
      std::error_code ec;
      std::filesystem::remove_all(path_, ec);
    }
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

std::optional<size_t> CategoryIndex(std::string_view id) {
  for (size_t i = 0; i < kCategoryIds.size(); ++i) {
    if (kCategoryIds[i] == id)
      return i;
  }
  return std::nullopt;
}

Status ValidateOptions(const TrainOptions& o) {
  auto bad = [](const std::string& what) { return InvalidArgument("training option " + what); };
  if (o.epochs < 1 || o.epochs > 1000)
    return bad("epochs must be 1..1000, not " + std::to_string(o.epochs));
  if (!std::isfinite(o.learning_rate) || o.learning_rate <= 0 || o.learning_rate > 10)
    return bad("learning_rate must be in (0, 10], not " + std::to_string(o.learning_rate));
  if (o.word_ngrams < 1 || o.word_ngrams > 5)
    return bad("word_ngrams must be 1..5, not " + std::to_string(o.word_ngrams));
  if (o.dim < 1 || o.dim > 1000)
    return bad("dim must be 1..1000, not " + std::to_string(o.dim));
  if (o.min_count < 1)
    return bad("min_count must be at least 1, not " + std::to_string(o.min_count));
  if (o.threads < 1 || o.threads > 256)
    return bad("threads must be 1..256, not " + std::to_string(o.threads));
  // fastText hashes character n-grams modulo the bucket count: 0 would divide by zero.
  if (o.buckets < 1 || o.buckets > 10'000'000)
    return bad("buckets must be 1..10000000, not " + std::to_string(o.buckets));
  if (static_cast<int64_t>(o.buckets) * o.dim > 500'000'000)
    return bad("buckets x dim must stay under 500 million (2 GB of weights)");
  return Status::Ok();
}

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos)
      end = text.size();
    if (end > start)
      tokens.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return tokens;
}

std::string JoinTokens(const std::vector<std::string_view>& tokens, size_t skip_begin = 0,
                       size_t skip_end = 0, std::string_view skip_token = {}) {
  std::string out;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if ((i >= skip_begin && i < skip_end) || (!skip_token.empty() && tokens[i] == skip_token))
      continue;
    if (!out.empty())
      out.push_back(' ');
    out.append(tokens[i]);
  }
  return out;
}

}  // namespace

std::string NormalizeForCategoryModel(std::string_view text) {
  if (text.size() > kMaxModelTextBytes)
    text = text.substr(0, kMaxModelTextBytes);  // a cut sequence becomes U+FFFD below
  // fromUTF8 replaces ill-formed sequences with U+FFFD.
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  u.toLower(icu::Locale::getRoot());
  std::string folded;
  folded.reserve(text.size() + 8);
  bool after_space = true;
  for (int32_t i = 0; i < u.length(); i = u.moveIndex32(i, 1)) {
    UChar32 c = u.char32At(i);
    if (u_isUWhiteSpace(c) || u_charType(c) == U_CONTROL_CHAR) {
      if (!after_space)
        folded.push_back(' ');
      after_space = true;
      continue;
    }
    if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT))
      continue;
    AppendUtf8(folded, c);
    after_space = false;
  }
  // fastText reads a token starting with "__label__" as a label and stops a line at "</s>".
  std::string out;
  out.reserve(folded.size());
  for (std::string_view token : SplitSpaces(folded)) {
    if (token == kEndOfLine)
      continue;
    while (token.starts_with(kLabelPrefix))
      token.remove_prefix(1);
    if (!out.empty())
      out.push_back(' ');
    out.append(token);
  }
  return out;
}

CategoryModel::CategoryModel() = default;
CategoryModel::CategoryModel(CategoryModel&&) noexcept = default;
CategoryModel& CategoryModel::operator=(CategoryModel&&) noexcept = default;
CategoryModel::~CategoryModel() = default;

Result<CategoryModel> CategoryModel::Train(const std::vector<TrainExample>& examples,
                                           const TrainOptions& options) {
  DRAGNET_RETURN_IF_ERROR(ValidateOptions(options));
  if (examples.empty())
    return InvalidArgument("no training examples");
  std::string lines;
  std::set<std::string> categories;
  for (size_t i = 0; i < examples.size(); ++i) {
    const TrainExample& example = examples[i];
    if (!IsCategoryId(example.label)) {
      return InvalidArgument("training example " + std::to_string(i + 1) + ": `" + example.label +
                             "` is not a listing category id");
    }
    std::string text = NormalizeForCategoryModel(example.text);
    if (text.empty())
      continue;  // nothing to learn from; fastText would skip it anyway
    categories.insert(example.label);
    lines.append(kLabelPrefix).append(example.label).append(" ").append(text).append("\n");
  }
  if (categories.size() < 2) {
    return InvalidArgument(
        "training needs examples of at least two categories with text; got " +
        (categories.empty() ? std::string("none") : "only `" + *categories.begin() + "`"));
  }
  DRAGNET_ASSIGN_OR_RETURN(TempDir dir, TempDir::Create());
  std::filesystem::path input = dir.path() / "train.txt";
  DRAGNET_RETURN_IF_ERROR(WriteFileAtomic(input, lines));

  fasttext::Args args;
  args.input = input.string();
  args.model = fasttext::model_name::sup;
  args.loss = fasttext::loss_name::softmax;
  args.lr = options.learning_rate;
  args.epoch = options.epochs;
  args.wordNgrams = options.word_ngrams;
  args.dim = options.dim;
  args.minCount = options.min_count;
  args.minCountLabel = 0;
  args.minn = 2;
  args.maxn = 4;
  args.bucket = options.buckets;
  args.thread = options.threads;
  args.seed = static_cast<int>(options.seed & 0x7fffffff);
  args.verbose = 0;

  CategoryModel model;
  model.fasttext_ = std::make_unique<fasttext::FastText>();
  try {
    model.fasttext_->train(args);
    if (options.quantize) {
      fasttext::Args qargs;
      qargs.input = input.string();
      qargs.qnorm = true;
      qargs.qout = false;
      qargs.retrain = false;
      qargs.cutoff = 0;
      qargs.dsub = 2;
      qargs.verbose = 0;
      model.fasttext_->quantize(qargs);
    }
    auto dictionary = model.fasttext_->getDictionary();
    for (int32_t i = 0; i < dictionary->nlabels(); ++i)
      model.labels_.push_back(dictionary->getLabel(i).substr(kLabelPrefix.size()));
    model.quantized_ = model.fasttext_->isQuant();
  } catch (const std::exception& e) {
    return Internal(std::string("fastText training failed: ") + e.what());
  } catch (...) {
    return Internal("fastText training failed");
  }
  return model;
}

Status CategoryModel::Save(const std::filesystem::path& path) const {
  std::filesystem::path tmp = path;
  tmp += ".tmp-" + std::to_string(::getpid());
  auto fail = [&](Error error) {
    std::error_code ec;
    std::filesystem::remove(tmp, ec);
    return Status(std::move(error));
  };
  try {
    fasttext_->saveModel(tmp.string());
  } catch (const std::exception& e) {
    return fail(IoError("cannot write category model " + tmp.string() + ": " + e.what()));
  }
  // fastText does not check its writes; a full disk shows up when the trailer is appended.
  auto digest = Sha256File(tmp);
  if (!digest.has_value())
    return fail(digest.error());
  {
    auto file = AppendFile::Open(tmp, /*must_create=*/false);
    if (!file.has_value())
      return fail(file.error());
    std::string trailer = std::string(kTrailerMagic) + *digest + "\n";
    if (Status s = file->Append(trailer); !s.ok())
      return fail(s.error());
    if (Status s = file->Sync(); !s.ok())
      return fail(s.error());
    if (Status s = file->Close(); !s.ok())
      return fail(s.error());
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0)
    return fail(ErrnoError("cannot rename " + tmp.string() + " to", path.string()));
  std::filesystem::path parent = path.parent_path();
  return SyncDirectory(parent.empty() ? std::filesystem::path(".") : parent);
}

Result<CategoryModel> CategoryModel::Load(const std::filesystem::path& path) {
  const std::string name = path.string();
  std::error_code ec;
  uintmax_t size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxModelFileBytes)
    return InvalidArgument(name + ": category model is larger than 4 GiB");
  auto read = ReadFile(path);
  if (!read.has_value())
    return std::move(read).error().WithContext("reading category model");
  std::string bytes = std::move(read).value();
  if (bytes.size() < kTrailerSize + 8 ||
      std::string_view(bytes).substr(bytes.size() - kTrailerSize, kTrailerMagic.size()) !=
          kTrailerMagic) {
    return DataLoss(name +
                    ": not a Dragnet category model (no integrity trailer; it is either truncated "
                    "or not written by `dragnet train`)");
  }
  std::string_view stored =
      std::string_view(bytes).substr(bytes.size() - kTrailerSize + kTrailerMagic.size(), 64);
  bytes.resize(bytes.size() - kTrailerSize);
  if (Sha256Hex(bytes) != stored)
    return DataLoss(name + ": category model is damaged (SHA-256 does not match its trailer)");
  int32_t header[2];
  std::memcpy(header, bytes.data(), sizeof(header));
  if (header[0] != kFastTextMagic || header[1] != kFastTextVersion)
    return DataLoss(name + ": not a fastText 0.9.2 model (file format version " +
                    std::to_string(header[1]) + ")");

  CategoryModel model;
  model.fasttext_ = std::make_unique<fasttext::FastText>();
  try {
    std::istringstream in(std::move(bytes));
    in.seekg(sizeof(header));  // loadModel(std::istream&) starts after the signature
    model.fasttext_->loadModel(in);
    if (model.fasttext_->getArgs().model != fasttext::model_name::sup)
      return DataLoss(name + ": not a supervised fastText model");
    auto dictionary = model.fasttext_->getDictionary();
    for (int32_t i = 0; i < dictionary->nlabels(); ++i) {
      std::string label = dictionary->getLabel(i);
      std::string_view id =
          std::string_view(label).substr(label.starts_with(kLabelPrefix) ? kLabelPrefix.size() : 0);
      if (!label.starts_with(kLabelPrefix) || !IsCategoryId(id))
        return DataLoss(name + ": model label `" + label + "` is not a listing category id");
      model.labels_.emplace_back(id);
    }
    model.quantized_ = model.fasttext_->isQuant();
  } catch (const std::exception& e) {
    return DataLoss(name + ": cannot load category model: " + e.what());
  } catch (...) {
    return DataLoss(name + ": cannot load category model");
  }
  if (model.labels_.empty())
    return DataLoss(name + ": category model has no labels");
  return model;
}

std::vector<CategoryModel::Prediction> CategoryModel::PredictNormalized(
    const std::string& normalized, int k) const {
  std::vector<Prediction> out;
  if (normalized.empty() || labels_.empty() || k < 1)
    return out;
  k = std::min(k, static_cast<int>(labels_.size()));
  std::vector<std::pair<fasttext::real, std::string>> predictions;
  try {
    std::istringstream in(normalized + "\n");
    fasttext_->predictLine(in, predictions, k, 0.0f);
  } catch (...) {
    return out;  // fastText only throws here for k < 1, excluded above
  }
  for (auto& [probability, label] : predictions) {
    std::string_view id(label);
    if (id.starts_with(kLabelPrefix))
      id.remove_prefix(kLabelPrefix.size());
    out.push_back(Prediction{std::string(id), static_cast<double>(probability)});
  }
  return out;
}

std::vector<CategoryModel::Prediction> CategoryModel::Predict(std::string_view text, int k) const {
  return PredictNormalized(NormalizeForCategoryModel(text), k);
}

std::vector<CategoryModel::Evidence> CategoryModel::Explain(std::string_view text,
                                                            std::string_view category,
                                                            size_t max_tokens) const {
  std::vector<Evidence> out;
  std::string normalized = NormalizeForCategoryModel(text);
  int all = static_cast<int>(labels_.size());
  auto probability_of = [&](const std::string& t) {
    for (const auto& p : PredictNormalized(t, all)) {
      if (p.category == category)
        return p.probability;
    }
    return 0.0;
  };
  double base = probability_of(normalized);
  std::vector<std::string_view> tokens = SplitSpaces(normalized);
  if (tokens.size() > kMaxExplainTokens)
    tokens.resize(kMaxExplainTokens);
  std::set<std::string_view> seen;
  for (std::string_view token : tokens) {
    if (!seen.insert(token).second)
      continue;
    double weight = base - probability_of(JoinTokens(tokens, 0, 0, token));
    if (weight > 0)
      out.push_back(Evidence{std::string(token), weight});
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const Evidence& a, const Evidence& b) { return a.weight > b.weight; });
  if (out.size() > max_tokens)
    out.resize(max_tokens);
  return out;
}

Status TrainCategoryModel(const std::vector<TrainExample>& examples, const TrainOptions& options,
                          const std::filesystem::path& out) {
  DRAGNET_ASSIGN_OR_RETURN(CategoryModel model, CategoryModel::Train(examples, options));
  return model.Save(out);
}

// ---- scores ----

void ClassificationReport::Add(size_t gold, size_t predicted) {
  ++confusion[gold][predicted];
  ++examples;
}

int64_t ClassificationReport::TruePositives(size_t category) const {
  return confusion[category][category];
}

int64_t ClassificationReport::FalsePositives(size_t category) const {
  int64_t n = 0;
  for (size_t gold = 0; gold < kCategories; ++gold) {
    if (gold != category)
      n += confusion[gold][category];
  }
  return n;
}

int64_t ClassificationReport::Support(size_t category) const {
  int64_t n = 0;
  for (int64_t count : confusion[category])
    n += count;
  return n;
}

int64_t ClassificationReport::FalseNegatives(size_t category) const {
  return Support(category) - TruePositives(category);
}

namespace {
double Ratio(int64_t a, int64_t b) {
  return b == 0 ? 0.0 : static_cast<double>(a) / static_cast<double>(b);
}
double Harmonic(double p, double r) {
  return p + r == 0 ? 0.0 : 2 * p * r / (p + r);
}
}  // namespace

double ClassificationReport::Precision(size_t c) const {
  return Ratio(TruePositives(c), TruePositives(c) + FalsePositives(c));
}
double ClassificationReport::Recall(size_t c) const {
  return Ratio(TruePositives(c), Support(c));
}
double ClassificationReport::F1(size_t c) const {
  return Harmonic(Precision(c), Recall(c));
}

namespace {

template <typename Counted>
double MeanF1(const ClassificationReport& r, Counted counted) {
  double sum = 0;
  int n = 0;
  for (size_t c = 0; c < ClassificationReport::kCategories; ++c) {
    if (!counted(c))
      continue;
    sum += r.F1(c);
    ++n;
  }
  return n == 0 ? 0.0 : sum / n;
}

}  // namespace

double ClassificationReport::MacroF1() const {
  return MeanF1(*this, [this](size_t c) { return Support(c) > 0 || FalsePositives(c) > 0; });
}

double ClassificationReport::LabelledMacroF1() const {
  return MeanF1(*this, [this](size_t c) { return Support(c) > 0; });
}

double ClassificationReport::MicroPrecision() const {
  int64_t tp = 0, predicted = 0;
  for (size_t c = 0; c < kCategories; ++c) {
    tp += TruePositives(c);
    predicted += TruePositives(c) + FalsePositives(c);
  }
  return Ratio(tp, predicted);
}

double ClassificationReport::MicroRecall() const {
  return Accuracy();
}

double ClassificationReport::MicroF1() const {
  return Harmonic(MicroPrecision(), MicroRecall());
}

double ClassificationReport::Accuracy() const {
  int64_t tp = 0;
  for (size_t c = 0; c < kCategories; ++c)
    tp += TruePositives(c);
  return Ratio(tp, examples);
}

namespace {

Result<std::vector<size_t>> GoldIndexes(const std::vector<TrainExample>& examples) {
  std::vector<size_t> gold;
  gold.reserve(examples.size());
  for (size_t i = 0; i < examples.size(); ++i) {
    auto index = CategoryIndex(examples[i].label);
    if (!index) {
      return InvalidArgument("example " + std::to_string(i + 1) + ": `" + examples[i].label +
                             "` is not a listing category id");
    }
    gold.push_back(*index);
  }
  return gold;
}

size_t PredictedIndex(const CategoryModel& model, std::string_view text) {
  auto predictions = model.Predict(text, 1);
  if (predictions.empty())
    return ClassificationReport::kNone;
  return CategoryIndex(predictions.front().category).value_or(ClassificationReport::kNone);
}

}  // namespace

Result<ClassificationReport> EvaluateCategoryModel(const CategoryModel& model,
                                                   const std::vector<TrainExample>& examples) {
  DRAGNET_ASSIGN_OR_RETURN(std::vector<size_t> gold, GoldIndexes(examples));
  ClassificationReport report;
  for (size_t i = 0; i < examples.size(); ++i)
    report.Add(gold[i], PredictedIndex(model, examples[i].text));
  return report;
}

Result<ClassificationReport> CrossValidateCategoryModel(const std::vector<TrainExample>& examples,
                                                        const TrainOptions& options, int folds) {
  if (folds < 2 || static_cast<size_t>(folds) > examples.size()) {
    return InvalidArgument("cross-validation needs 2 <= folds <= examples (" +
                           std::to_string(examples.size()) + "), not " + std::to_string(folds));
  }
  DRAGNET_ASSIGN_OR_RETURN(std::vector<size_t> gold, GoldIndexes(examples));
  ClassificationReport report;
  const auto k = static_cast<size_t>(folds);
  for (size_t fold = 0; fold < k; ++fold) {
    std::vector<TrainExample> train;
    train.reserve(examples.size());
    for (size_t i = 0; i < examples.size(); ++i) {
      if (i % k != fold)
        train.push_back(examples[i]);
    }
    auto model = CategoryModel::Train(train, options);
    if (!model.has_value()) {
      return std::move(model).error().WithContext("fold " + std::to_string(fold + 1) + " of " +
                                                  std::to_string(k));
    }
    for (size_t i = fold; i < examples.size(); i += k)
      report.Add(gold[i], PredictedIndex(*model, examples[i].text));
  }
  return report;
}

}  // namespace dragnet::identify
