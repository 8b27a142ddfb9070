#pragma once
// A learned listing-category classifier: a fastText supervised model (Joulin et al., "Bag of
// Tricks for Efficient Text Classification", EACL 2017) that analysts train on their own
// labelled listings and that then takes over from the lexicon rules of IdentifierSession.
// Word n-grams and character n-grams (2..4, Bojanowski et al., TACL 2017) make it robust to
// the obfuscated, misspelt and mixed-script titles of DOMAIN.md.
//
// Files: a fastText 0.9.2 model followed by a Dragnet trailer holding the SHA-256 of what
// precedes it. fastText itself ignores the trailer (`fasttext predict` still reads the file);
// Load refuses files without it or whose digest does not match, so a truncated or damaged
// model is an error, never a crash inside fastText. The digest guards against accidents, not
// against a forged file: model files are configuration an analyst made with `dragnet train`.

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace fasttext {
class FastText;
}  // namespace fasttext

namespace dragnet::identify {

// One labelled listing. `label` is a listing category id of DOMAIN.md (IsCategoryId).
struct TrainExample {
  std::string text;
  std::string label;
};

struct TrainOptions {
  int epochs = 25;
  double learning_rate = 0.5;
  int word_ngrams = 2;
  int dim = 50;
  int min_count = 1;
  int threads = 1;  // > 1 trains faster but makes the model depend on thread scheduling
  uint64_t seed = 1;
  bool quantize = false;  // product-quantise (fastText .ftz): about 10x smaller, a bit less exact
  // Hash buckets shared by word n-grams and character n-grams; the model holds
  // (words + buckets) x dim floats, 100000 x 50 = 20 MB.
  int buckets = 100000;
};

// The text the model sees: ICU full lower-casing (root locale); ill-formed UTF-8 becomes
// U+FFFD; white space, control and default-ignorable characters (zero-width space, soft
// hyphen...) become single spaces or vanish; tokens fastText would read as labels ("__label__")
// or as its end-of-line mark ("</s>") are defused. Reads at most kMaxModelTextBytes of `text`.
inline constexpr size_t kMaxModelTextBytes = 64 * 1024;
std::string NormalizeForCategoryModel(std::string_view text);

class CategoryModel {
 public:
  struct Prediction {
    std::string category;  // a listing category id
    double probability = 0;
  };
  // A token and how much the probability of a category falls when it is left out.
  struct Evidence {
    std::string token;
    double weight = 0;
  };

  // Trains in memory. Errors: no examples, a label that is not a category id, fewer than two
  // categories among examples with non-empty text, options out of range, fastText failing.
  static Result<CategoryModel> Train(const std::vector<TrainExample>& examples,
                                     const TrainOptions& options);
  // Reads a model written by Save; every error names `path`.
  static Result<CategoryModel> Load(const std::filesystem::path& path);

  CategoryModel(CategoryModel&&) noexcept;
  CategoryModel& operator=(CategoryModel&&) noexcept;
  CategoryModel(const CategoryModel&) = delete;
  CategoryModel& operator=(const CategoryModel&) = delete;
  ~CategoryModel();

  // Writes the model to `path` + ".tmp-<pid>", then renames it over `path` (readers see the old
  // model or the new one) and syncs the directory.
  Status Save(const std::filesystem::path& path) const;

  // The k most probable categories, most probable first; empty when the normalised text is
  // empty. Never throws. Predict and Explain are const and may run on several threads at once:
  // fastText 0.9.2 predicts with a per-call Model::State and const dictionary lookups.
  std::vector<Prediction> Predict(std::string_view text, int k = 3) const;
  // Why `category` was predicted: the tokens (of the first kMaxExplainTokens) whose removal
  // lowers its probability most, largest fall first, at most `max_tokens`, only positive ones.
  static constexpr size_t kMaxExplainTokens = 64;
  std::vector<Evidence> Explain(std::string_view text, std::string_view category,
                                size_t max_tokens = 5) const;

  // The category ids the model can predict, in fastText's order (most frequent in training
  // first).
  const std::vector<std::string>& labels() const { return labels_; }
  bool quantized() const { return quantized_; }

 private:
  CategoryModel();
  std::vector<Prediction> PredictNormalized(const std::string& normalized, int k) const;

  std::unique_ptr<fasttext::FastText> fasttext_;
  std::vector<std::string> labels_;
  bool quantized_ = false;
};

// Trains and saves to `out` (see CategoryModel::Save).
Status TrainCategoryModel(const std::vector<TrainExample>& examples, const TrainOptions& options,
                          const std::filesystem::path& out);

// Precision, recall and F1 per category, from a confusion matrix over kCategoryIds.
struct ClassificationReport {
  static constexpr size_t kCategories = 11;     // kCategoryIds.size()
  static constexpr size_t kNone = kCategories;  // column of examples given no prediction
  // confusion[gold][predicted], indexes into kCategoryIds; column kNone: no prediction.
  std::array<std::array<int64_t, kCategories + 1>, kCategories> confusion{};
  int64_t examples = 0;

  void Add(size_t gold, size_t predicted);  // indexes as in `confusion`
  int64_t TruePositives(size_t category) const;
  int64_t FalsePositives(size_t category) const;
  int64_t FalseNegatives(size_t category) const;
  int64_t Support(size_t category) const;  // gold examples of the category
  double Precision(size_t category) const;
  double Recall(size_t category) const;
  double F1(size_t category) const;
  // Mean F1 over the categories that occur as gold or as prediction (scikit-learn's "macro").
  double MacroF1() const;
  // Mean F1 over the categories that occur as gold only: a category the labels never use, into
  // which some examples were predicted, costs recall of the gold ones but is not averaged in.
  double LabelledMacroF1() const;
  // Pooled over categories; equals accuracy when every example got a prediction.
  double MicroPrecision() const;
  double MicroRecall() const;
  double MicroF1() const;
  double Accuracy() const;
};

// Scores `model` on `examples` (labels must be category ids; others are an error).
Result<ClassificationReport> EvaluateCategoryModel(const CategoryModel& model,
                                                   const std::vector<TrainExample>& examples);

// k-fold cross-validation: example i is in fold i % folds; each fold is predicted by a model
// trained on the other folds. 2 <= folds <= examples.size().
Result<ClassificationReport> CrossValidateCategoryModel(const std::vector<TrainExample>& examples,
                                                        const TrainOptions& options, int folds);

}  // namespace dragnet::identify
