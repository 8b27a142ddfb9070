// Tests of the fastText category model: normalisation, accuracy on held-out listings in English
// and Russian, save/load round trips, damaged files, rejected training sets, determinism and
// the scores of `dragnet eval classify`.

#include "identify/category_model.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <unistd.h>

#include "core/file.h"
#include "core/scratch_dir.h"

namespace dragnet::identify {
namespace {

using Examples = std::vector<TrainExample>;

struct Templates {
  const char* label;
  std::vector<std::string> heads;
  std::vector<std::string> tails;
};

// Listing titles of four categories written like DOMAIN.md's: English, Russian, transliterated.
std::vector<Templates> AllTemplates() {
  return {
      {"drugs",
       {"cocaine", "mdma crystals", "ketamine", "heroin", "og kush weed", "amphetamine speed",
        "lsd blotters", "мефедрон", "шишки", "гашиш", "соль альфа пвп", "героин", "амфетамин",
        "кокаин", "MARIXYANA (SHISHKI)"},
       {"1g", "0.5 гр", "3.5g uncut", "5 g pure", "high purity 10g", "чистый 1 гр", "кристаллы 2г",
        "опт 100г"}},
      {"weapons",
       {"glock 17 pistol", "ak-47 rifle", "9mm ammo", "beretta 92 handgun", "sawn-off shotgun",
        "silencer for pistol", "пистолет макарова", "патроны 9мм", "автомат калашникова",
        "глушитель", "обрез ружья", "травматический пистолет", "револьвер наган", "colt 1911",
        "AR-15 carbine"},
       {"with 50 rounds", "unregistered", "new in box", "без номеров", "с патронами",
        "полный комплект", "serial removed", "+ 2 magazines"}},
      {"documents",
       {"uk passport", "usa driver license", "german id card", "ssn card", "eu residence permit",
        "паспорт рф", "водительское удостоверение", "загранпаспорт", "права категории b", "снилс",
        "диплом вуза", "fake id", "french passport", "вид на жительство", "PASPORT RF"},
       {"scan template", "real registered in database", "novelty", "psd шаблон", "сканы высокого",
        "настоящий бланк", "with hologram", "с пропиской"}},
      {"recruitment",
       {"ищу курьера", "работа закладчиком", "требуются кладмены", "courier job",
        "we are hiring drivers", "work as a dropper", "вакансия фасовщик", "нужен оператор",
        "KURYER", "job offer stash placer", "набор в команду", "работа для студентов",
        "rabota kladmen", "hiring packers", "подработка курьером"},
       {"высокая зарплата", "оплата ежедневно 5000 руб", "earn 500$ per day", "bonus weekly",
        "опыт не нужен", "experience not required", "залог от 3000", "500RUB + BONUS"}},
  };
}

// Every (head, tail) pair of every category; pair n of a category is held out when n % 6 == 5.
void MakeExamples(Examples& train, Examples& test) {
  for (const auto& t : AllTemplates()) {
    int n = 0;
    for (size_t h = 0; h < t.heads.size(); ++h) {
      for (size_t i = 0; i < 4; ++i) {
        const std::string& tail = t.tails[(h + i * 3) % t.tails.size()];
        TrainExample example{t.heads[h] + " " + tail, t.label};
        (n++ % 6 == 5 ? test : train).push_back(example);
      }
    }
  }
}

TrainOptions FastOptions() {
  TrainOptions options;
  options.buckets = 20000;
  return options;
}

class CategoryModelTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new Examples;
    test_ = new Examples;
    MakeExamples(*train_, *test_);
    auto model = CategoryModel::Train(*train_, FastOptions());
    ASSERT_TRUE(model.has_value()) << model.error().message();
    model_ = new CategoryModel(std::move(model).value());
  }
  static void TearDownTestSuite() {
    delete model_;
    delete train_;
    delete test_;
  }
  static Examples* train_;
  static Examples* test_;
  static CategoryModel* model_;
};
Examples* CategoryModelTest::train_ = nullptr;
Examples* CategoryModelTest::test_ = nullptr;
CategoryModel* CategoryModelTest::model_ = nullptr;

TEST(NormalizeForCategoryModelTest, LowerCasesAndSeparates) {
  EXPECT_EQ(NormalizeForCategoryModel("КОКАИН\tPure\n\r 1G"), "кокаин pure 1g");
  EXPECT_EQ(NormalizeForCategoryModel("  Straße\xc2\xa0"
                                      "ΣΟΦΙΑ  "),
            "straße σοφια");
  EXPECT_EQ(NormalizeForCategoryModel("me\xe2\x80\x8b"
                                      "th\xc2\xad"
                                      "ad"),
            "methad");
  EXPECT_EQ(NormalizeForCategoryModel(""), "");
  EXPECT_EQ(NormalizeForCategoryModel(" \t\n"), "");
}

TEST(NormalizeForCategoryModelTest, DefusesFastTextSyntax) {
  EXPECT_EQ(NormalizeForCategoryModel("__label__weapons glock"), "_label__weapons glock");
  EXPECT_EQ(NormalizeForCategoryModel("____label__x"), "____label__x");  // not a prefix
  EXPECT_EQ(NormalizeForCategoryModel("__LABEL____label__x"), "_label____label__x");
  EXPECT_EQ(NormalizeForCategoryModel("a </s> b"), "a b");
  EXPECT_EQ(NormalizeForCategoryModel(std::string_view("a\0b", 3)), "a b");
}

TEST(NormalizeForCategoryModelTest, HostileBytes) {
  EXPECT_EQ(NormalizeForCategoryModel("a\xff"
                                      "b"),
            "a\xef\xbf\xbd"
            "b");  // U+FFFD
  EXPECT_EQ(NormalizeForCategoryModel("\xd0"), "\xef\xbf\xbd");
  std::string huge(10 << 20, 'A');
  std::string out = NormalizeForCategoryModel(huge);
  EXPECT_EQ(out, std::string(kMaxModelTextBytes, 'a'));
}

TEST_F(CategoryModelTest, PredictsHeldOutListings) {
  ASSERT_GE(train_->size(), 190u);
  ASSERT_GE(test_->size(), 40u);
  int correct = 0;
  std::string misses;
  for (const auto& example : *test_) {
    auto predictions = model_->Predict(example.text);
    ASSERT_FALSE(predictions.empty()) << example.text;
    if (predictions.front().category == example.label)
      ++correct;
    else
      misses += example.text + " -> " + predictions.front().category + "\n";
  }
  EXPECT_GE(static_cast<double>(correct) / static_cast<double>(test_->size()), 0.9) << misses;
}

TEST_F(CategoryModelTest, PredictionsAreSortedProbabilities) {
  auto all = model_->Predict("glock 17 pistol", 100);
  ASSERT_EQ(all.size(), 4u);
  double sum = 0;
  for (size_t i = 0; i < all.size(); ++i) {
    sum += all[i].probability;
    if (i > 0) {
      EXPECT_GE(all[i - 1].probability, all[i].probability);
    }
  }
  EXPECT_NEAR(sum, 1.0, 1e-3);
  EXPECT_EQ(all.front().category, "weapons");
  EXPECT_EQ(model_->Predict("glock 17 pistol", 1).size(), 1u);
  EXPECT_TRUE(model_->Predict("glock", 0).empty());
  EXPECT_TRUE(model_->Predict("", 3).empty());
  EXPECT_TRUE(model_->Predict(" \n\t\xe2\x80\x8b", 3).empty());
  std::vector<std::string> labels = model_->labels();
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<std::string>{"documents", "drugs", "recruitment", "weapons"}));
}

TEST_F(CategoryModelTest, HostileTextDoesNotFail) {
  std::string garbage;
  for (int i = 0; i < (1 << 20); ++i)
    garbage.push_back(static_cast<char>((i * 7919) & 0xff));
  EXPECT_FALSE(model_->Predict(garbage).empty());
  EXPECT_FALSE(model_->Predict("__label__drugs </s> __label__weapons").empty());
}

TEST_F(CategoryModelTest, ExplainNamesTheTellingTokens) {
  auto evidence = model_->Explain("продаю пистолет макарова", "weapons", 3);
  ASSERT_FALSE(evidence.empty());
  EXPECT_LE(evidence.size(), 3u);
  for (size_t i = 0; i < evidence.size(); ++i) {
    EXPECT_GT(evidence[i].weight, 0);
    if (i > 0) {
      EXPECT_GE(evidence[i - 1].weight, evidence[i].weight);
    }
  }
  EXPECT_TRUE(evidence.front().token == "пистолет" || evidence.front().token == "макарова")
      << evidence.front().token;
  EXPECT_TRUE(model_->Explain("", "weapons").empty());
  EXPECT_TRUE(model_->Explain("glock", "no-such-category").empty());
}

TEST_F(CategoryModelTest, ConcurrentPredictionsAgree) {
  std::vector<std::string> expected;
  for (const auto& example : *test_)
    expected.push_back(model_->Predict(example.text, 1).front().category);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (size_t i = 0; i < test_->size(); ++i) {
          if (model_->Predict((*test_)[i].text, 1).front().category != expected[i])
            ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (auto& thread : threads)
    thread.join();
  EXPECT_EQ(mismatches, std::vector<int>(4, 0));
}

TEST_F(CategoryModelTest, SaveLoadRoundTrip) {
  ScratchDir dir("category_model_round_trip");
  auto path = dir / "category.bin";
  ASSERT_TRUE(model_->Save(path).ok());
  EXPECT_FALSE(std::filesystem::exists(dir / ("category.bin.tmp-" + std::to_string(::getpid()))));
  auto loaded = CategoryModel::Load(path);
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  EXPECT_EQ(loaded->labels(), model_->labels());
  EXPECT_FALSE(loaded->quantized());
  for (const auto& example : *test_) {
    auto a = model_->Predict(example.text, 4);
    auto b = loaded->Predict(example.text, 4);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].category, b[i].category);
      EXPECT_EQ(a[i].probability, b[i].probability);
    }
  }
  // Saving again over the old file replaces it.
  ASSERT_TRUE(loaded->Save(path).ok());
  EXPECT_TRUE(CategoryModel::Load(path).has_value());
}

TEST_F(CategoryModelTest, DamagedFilesAreErrorsNamingThePath) {
  ScratchDir dir("category_model_damaged");
  auto good = dir / "good.bin";
  ASSERT_TRUE(model_->Save(good).ok());
  auto bytes = ReadFile(good);
  ASSERT_TRUE(bytes.has_value());

  auto expect_error = [&](const std::string& name, const std::string& contents,
                          const std::string& phrase) {
    auto path = dir / name;
    ASSERT_TRUE(WriteFileAtomic(path, contents).ok());
    auto loaded = CategoryModel::Load(path);
    ASSERT_FALSE(loaded.has_value()) << name;
    EXPECT_NE(loaded.error().message().find(path.string()), std::string::npos)
        << loaded.error().message();
    EXPECT_NE(loaded.error().message().find(phrase), std::string::npos) << loaded.error().message();
  };
  std::string flipped = *bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x40);
  expect_error("flipped.bin", flipped, "damaged");
  expect_error("truncated.bin", bytes->substr(0, bytes->size() / 3), "not a Dragnet");
  expect_error("empty.bin", "", "not a Dragnet");
  expect_error("garbage.bin", std::string(5000, '\x7f'), "not a Dragnet");
  // A plain fastText model (trailer cut off) is refused too.
  expect_error("plain.bin", bytes->substr(0, bytes->size() - 100), "not a Dragnet");

  auto missing = CategoryModel::Load(dir / "missing.bin");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("missing.bin"), std::string::npos);
}

TEST(CategoryModelTrainTest, RejectsUnusableTrainingSets) {
  TrainOptions options = FastOptions();
  auto none = CategoryModel::Train({}, options);
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().message(), "no training examples");

  Examples one = {{"glock pistol", "weapons"}, {"ak-47 rifle", "weapons"}};
  auto single = CategoryModel::Train(one, options);
  ASSERT_FALSE(single.has_value());
  EXPECT_EQ(single.error().message(),
            "training needs examples of at least two categories with text; got only `weapons`");

  Examples empty_text = {{"glock pistol", "weapons"}, {" \n\t", "drugs"}};
  EXPECT_FALSE(CategoryModel::Train(empty_text, options).has_value());

  Examples bad_label = {{"glock pistol", "weapons"}, {"cocaine 1g", "cocaine"}};
  auto bad = CategoryModel::Train(bad_label, options);
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().message(), "training example 2: `cocaine` is not a listing category id");

  Examples two = {{"glock pistol", "weapons"}, {"cocaine 1g", "drugs"}};
  for (auto change : std::vector<void (*)(TrainOptions&)>{
           [](TrainOptions& o) { o.dim = 0; }, [](TrainOptions& o) { o.buckets = 0; },
           [](TrainOptions& o) { o.epochs = 0; }, [](TrainOptions& o) { o.learning_rate = -1; },
           [](TrainOptions& o) { o.threads = 0; }, [](TrainOptions& o) { o.word_ngrams = 9; }}) {
    TrainOptions bad_options = options;
    change(bad_options);
    auto trained = CategoryModel::Train(two, bad_options);
    ASSERT_FALSE(trained.has_value());
    EXPECT_EQ(trained.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(CategoryModel::Train(two, options).has_value());
}

TEST(CategoryModelTrainTest, TrainCategoryModelWritesAFile) {
  ScratchDir dir("category_model_train_file");
  Examples two = {{"glock pistol", "weapons"}, {"cocaine 1g", "drugs"}};
  ASSERT_TRUE(TrainCategoryModel(two, FastOptions(), dir / "m.bin").ok());
  EXPECT_TRUE(CategoryModel::Load(dir / "m.bin").has_value());
  EXPECT_FALSE(TrainCategoryModel({}, FastOptions(), dir / "n.bin").ok());
  EXPECT_FALSE(std::filesystem::exists(dir / "n.bin"));
  auto unwritable = TrainCategoryModel(two, FastOptions(), dir / "no" / "such" / "dir.bin");
  EXPECT_FALSE(unwritable.ok());
}

TEST(CategoryModelTrainTest, DeterministicWithOneThreadAndASeed) {
  Examples train, test;
  MakeExamples(train, test);
  auto a = CategoryModel::Train(train, FastOptions());
  auto b = CategoryModel::Train(train, FastOptions());
  ASSERT_TRUE(a.has_value() && b.has_value());
  for (const auto& example : test) {
    auto pa = a->Predict(example.text, 4);
    auto pb = b->Predict(example.text, 4);
    ASSERT_EQ(pa.size(), pb.size());
    for (size_t i = 0; i < pa.size(); ++i) {
      EXPECT_EQ(pa[i].category, pb[i].category);
      EXPECT_EQ(pa[i].probability, pb[i].probability) << example.text;
    }
  }
}

TEST(CategoryModelTrainTest, QuantizedModelRoundTrips) {
  Examples train, test;
  MakeExamples(train, test);
  TrainOptions options = FastOptions();
  options.quantize = true;
  options.buckets = 2000;
  options.dim = 10;
  auto model = CategoryModel::Train(train, options);
  ASSERT_TRUE(model.has_value()) << model.error().message();
  EXPECT_TRUE(model->quantized());
  ScratchDir dir("category_model_quantized");
  ASSERT_TRUE(model->Save(dir / "category.ftz").ok());
  auto loaded = CategoryModel::Load(dir / "category.ftz");
  ASSERT_TRUE(loaded.has_value()) << loaded.error().message();
  EXPECT_TRUE(loaded->quantized());
  for (const auto& example : test)
    EXPECT_EQ(model->Predict(example.text, 1)[0].category,
              loaded->Predict(example.text, 1)[0].category);
}

TEST(ClassificationReportTest, ExactScores) {
  ClassificationReport r;
  const size_t drugs = 0, weapons = 1, other = 10;
  for (int i = 0; i < 8; ++i)
    r.Add(drugs, drugs);
  r.Add(drugs, weapons);
  r.Add(drugs, ClassificationReport::kNone);
  for (int i = 0; i < 3; ++i)
    r.Add(weapons, weapons);
  r.Add(weapons, drugs);
  r.Add(other, weapons);
  EXPECT_EQ(r.examples, 15);
  EXPECT_EQ(r.Support(drugs), 10);
  EXPECT_EQ(r.FalseNegatives(drugs), 2);
  EXPECT_DOUBLE_EQ(r.Precision(drugs), 8.0 / 9.0);
  EXPECT_DOUBLE_EQ(r.Recall(drugs), 0.8);
  EXPECT_DOUBLE_EQ(r.Precision(weapons), 3.0 / 5.0);
  EXPECT_DOUBLE_EQ(r.Recall(weapons), 0.75);
  EXPECT_DOUBLE_EQ(r.F1(other), 0.0);
  double f_drugs = 2 * (8.0 / 9) * 0.8 / (8.0 / 9 + 0.8);
  double f_weapons = 2 * 0.6 * 0.75 / 1.35;
  EXPECT_DOUBLE_EQ(r.MacroF1(), (f_drugs + f_weapons + 0.0) / 3);
  EXPECT_DOUBLE_EQ(r.Accuracy(), 11.0 / 15.0);
  EXPECT_DOUBLE_EQ(r.MicroPrecision(), 11.0 / 14.0);
  EXPECT_DOUBLE_EQ(r.MicroRecall(), 11.0 / 15.0);
  EXPECT_DOUBLE_EQ(ClassificationReport().MacroF1(), 0.0);
  EXPECT_DOUBLE_EQ(r.LabelledMacroF1(), r.MacroF1());  // every predicted category is labelled

  // A category no label uses but some examples were put in (a bong filed under drugs, called
  // paraphernalia) is averaged in by MacroF1 only.
  ClassificationReport p;
  const size_t paraphernalia = 9;  // kCategoryIds
  for (int i = 0; i < 3; ++i)
    p.Add(drugs, drugs);
  p.Add(drugs, paraphernalia);
  double f = 2 * 1.0 * 0.75 / 1.75;
  EXPECT_DOUBLE_EQ(p.LabelledMacroF1(), f);
  EXPECT_DOUBLE_EQ(p.MacroF1(), f / 2);
}

TEST_F(CategoryModelTest, EvaluateAndCrossValidate) {
  auto report = EvaluateCategoryModel(*model_, *test_);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->examples, static_cast<int64_t>(test_->size()));
  EXPECT_GE(report->Accuracy(), 0.9);

  auto cv = CrossValidateCategoryModel(*train_, FastOptions(), 5);
  ASSERT_TRUE(cv.has_value()) << cv.error().message();
  EXPECT_EQ(cv->examples, static_cast<int64_t>(train_->size()));
  EXPECT_GE(cv->MacroF1(), 0.85);

  EXPECT_FALSE(CrossValidateCategoryModel(*train_, FastOptions(), 1).has_value());
  Examples tiny = {{"a", "drugs"}, {"b", "weapons"}};
  EXPECT_FALSE(CrossValidateCategoryModel(tiny, FastOptions(), 3).has_value());
  // Fold 1 trains on example 2 only: one category, an error naming the fold.
  auto one_class_fold = CrossValidateCategoryModel(tiny, FastOptions(), 2);
  ASSERT_FALSE(one_class_fold.has_value());
  EXPECT_EQ(one_class_fold.error().message().rfind("fold 1 of 2: ", 0), 0u);
  Examples bad = {{"a", "drugs"}, {"b", "nope"}};
  EXPECT_FALSE(EvaluateCategoryModel(*model_, bad).has_value());
}

}  // namespace
}  // namespace dragnet::identify
