// tests/unit/training/training_config_test.cpp - the run configuration: TOML parsing of every key, positioned
// errors (syntax, unknown keys and tables, wrong types, out-of-range values), validate(), fault
// injections, and to_toml read back to an equal configuration.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "trainchain/training/config.hpp"

namespace fs = std::filesystem;
using namespace trainchain::training;

namespace {

/// Checks two configurations field by field (the header has no operator==).
void check_equal(const TrainConfig& a, const TrainConfig& b) {
    CHECK(a.data.source == b.data.source);
    CHECK(a.data.path == b.data.path);
    CHECK(a.data.labels == b.data.labels);
    CHECK(a.data.test_path == b.data.test_path);
    CHECK(a.data.test_labels == b.data.test_labels);
    CHECK(a.data.test_fraction == b.data.test_fraction);
    CHECK(a.data.train_limit == b.data.train_limit);
    CHECK(a.data.test_limit == b.data.test_limit);
    CHECK(a.model.kind == b.model.kind);
    CHECK(a.model.hidden == b.model.hidden);
    CHECK(a.model.channels == b.model.channels);
    CHECK(a.optimizer.kind == b.optimizer.kind);
    CHECK(a.optimizer.lr == b.optimizer.lr);
    CHECK(a.optimizer.momentum == b.optimizer.momentum);
    CHECK(a.optimizer.weight_decay == b.optimizer.weight_decay);
    CHECK(a.optimizer.schedule == b.optimizer.schedule);
    CHECK(a.optimizer.step_epochs == b.optimizer.step_epochs);
    CHECK(a.optimizer.gamma == b.optimizer.gamma);
    CHECK(a.optimizer.batch_size == b.optimizer.batch_size);
    CHECK(a.epochs == b.epochs);
    CHECK(a.seed == b.seed);
    CHECK(a.threads == b.threads);
    CHECK(a.detection.non_finite_loss == b.detection.non_finite_loss);
    CHECK(a.detection.accuracy_drop == b.detection.accuracy_drop);
    CHECK(a.detection.max_accuracy_drop == b.detection.max_accuracy_drop);
    CHECK(a.detection.overtraining == b.detection.overtraining);
    CHECK(a.detection.patience == b.detection.patience);
    CHECK(a.recovery.lr_factor == b.recovery.lr_factor);
    CHECK(a.recovery.max_rollbacks == b.recovery.max_rollbacks);
    CHECK(a.chain.nodes == b.chain.nodes);
    CHECK(a.chain.difficulty_bits == b.chain.difficulty_bits);
    CHECK(a.chain.fork == b.chain.fork);
    CHECK(a.chain.quorum_percent == b.chain.quorum_percent);
    CHECK(a.chain.replay_nodes == b.chain.replay_nodes);
    REQUIRE(a.inject.size() == b.inject.size());
    for (size_t i = 0; i < a.inject.size(); ++i) {
        CHECK(a.inject[i].kind == b.inject[i].kind);
        CHECK(a.inject[i].epoch == b.inject[i].epoch);
    }
}

/// The message of the ConfigError that parsing `text` as "run.toml" throws.
std::string config_error(const std::string& text) {
    try {
        (void)parse_config(text, "run.toml");
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL_CHECK("no ConfigError for: " << text);
    return "";
}

/// The message of the ConfigError that validate() throws for `c`.
std::string validate_error(const TrainConfig& c) {
    try {
        c.validate();
    } catch (const ConfigError& e) {
        return e.what();
    }
    FAIL_CHECK("validate() accepted the configuration");
    return "";
}

const char* const full_file = R"(# every key, none at its default
epochs = 25
seed = 9001
threads = 4
inject = ["nan@3", "lr-spike@7", "label-noise@25"]

[data]
source = "idx"
path = "/data/train-images.gz"
labels = "/data/train-labels.gz"
test_path = "/data/test-images.gz"
test_labels = "/data/test-labels.gz"
test_fraction = 0.15
train_limit = 5000
test_limit = 1000

[model]
kind = "cnn"
hidden = [256]
channels = [4, 8, 16]

[optimizer]
kind = "sgd"
lr = 0.05
momentum = 0.8
weight_decay = 1e-4
schedule = "step"
step_epochs = 5
gamma = 0.25
batch_size = 32

[detection]
non_finite_loss = false
accuracy_drop = false
max_accuracy_drop = 0.2
overtraining = false
patience = 6

[recovery]
lr_factor = 0.3
max_rollbacks = 7

[chain]
nodes = 12
difficulty_bits = 8
fork = "Cancun"
quorum_percent = 67
replay_nodes = 3
)";

}  // namespace

TEST_CASE("an empty file is the default configuration, which is valid") {
    const TrainConfig c = parse_config("", "empty.toml");
    check_equal(c, TrainConfig{});
    CHECK_NOTHROW(TrainConfig{}.validate());
    CHECK(c.data.source == "digits");
    CHECK(c.model.hidden == std::vector<int64_t>{128, 64});
    CHECK(c.chain.fork == "Petersburg");
}

TEST_CASE("every key is read") {
    const TrainConfig c = parse_config(full_file, "full.toml");
    CHECK(c.epochs == 25);
    CHECK(c.seed == 9001);
    CHECK(c.threads == 4);
    REQUIRE(c.inject.size() == 3);
    CHECK(c.inject[0].kind == Injection::Kind::Nan);
    CHECK(c.inject[0].epoch == 3);
    CHECK(c.inject[1].kind == Injection::Kind::LrSpike);
    CHECK(c.inject[1].epoch == 7);
    CHECK(c.inject[2].kind == Injection::Kind::LabelNoise);
    CHECK(c.inject[2].epoch == 25);
    CHECK(c.data.source == "idx");
    CHECK(c.data.path == "/data/train-images.gz");
    CHECK(c.data.labels == "/data/train-labels.gz");
    CHECK(c.data.test_path == "/data/test-images.gz");
    CHECK(c.data.test_labels == "/data/test-labels.gz");
    CHECK(c.data.test_fraction == 0.15);
    CHECK(c.data.train_limit == 5000);
    CHECK(c.data.test_limit == 1000);
    CHECK(c.model.kind == "cnn");
    CHECK(c.model.hidden == std::vector<int64_t>{256});
    CHECK(c.model.channels == std::vector<int64_t>{4, 8, 16});
    CHECK(c.optimizer.kind == "sgd");
    CHECK(c.optimizer.lr == 0.05);
    CHECK(c.optimizer.momentum == 0.8);
    CHECK(c.optimizer.weight_decay == 1e-4);
    CHECK(c.optimizer.schedule == "step");
    CHECK(c.optimizer.step_epochs == 5);
    CHECK(c.optimizer.gamma == 0.25);
    CHECK(c.optimizer.batch_size == 32);
    CHECK_FALSE(c.detection.non_finite_loss);
    CHECK_FALSE(c.detection.accuracy_drop);
    CHECK(c.detection.max_accuracy_drop == 0.2);
    CHECK_FALSE(c.detection.overtraining);
    CHECK(c.detection.patience == 6);
    CHECK(c.recovery.lr_factor == 0.3);
    CHECK(c.recovery.max_rollbacks == 7);
    CHECK(c.chain.nodes == 12);
    CHECK(c.chain.difficulty_bits == 8);
    CHECK(c.chain.fork == "Cancun");
    CHECK(c.chain.quorum_percent == 67);
    CHECK(c.chain.replay_nodes == 3);
    CHECK_NOTHROW(c.validate());
}

TEST_CASE("integers are accepted where a float is expected, dotted keys and inline tables work") {
    const TrainConfig c = parse_config(
        "optimizer.lr = 1\noptimizer.weight_decay = 0\nchain = { nodes = 5, replay_nodes = 0 }\n", "x");
    CHECK(c.optimizer.lr == 1.0);
    CHECK(c.optimizer.weight_decay == 0.0);
    CHECK(c.chain.nodes == 5);
    CHECK(c.chain.replay_nodes == 0);
}

TEST_CASE("to_toml reads back to an equal configuration") {
    SUBCASE("defaults") { check_equal(parse_config(to_toml(TrainConfig{}), "defaults.toml"), TrainConfig{}); }
    SUBCASE("every field changed, doubles that need 17 digits, paths that need escaping") {
        TrainConfig c;
        c.data.source = "csv";
        c.data.path = "/tmp/a \"quoted\" dir\\with\tcontrol\x01/données.csv";
        c.data.test_path = "/tmp/test.csv";
        c.data.test_fraction = 0.1 + 0.2;  // 0.30000000000000004
        c.data.train_limit = 9223372036854775807ull;
        c.data.test_limit = 3;
        c.model.kind = "cnn";
        c.model.hidden = {};
        c.model.channels = {65536, 1};
        c.optimizer.kind = "sgd";
        c.optimizer.lr = 1.0 / 3.0;
        c.optimizer.momentum = 0;
        c.optimizer.weight_decay = 5e-300;
        c.optimizer.schedule = "step";
        c.optimizer.step_epochs = 4000000000u;
        c.optimizer.gamma = 1;
        c.optimizer.batch_size = 4294967295u;
        c.epochs = 100000;
        c.seed = 9223372036854775807ull;
        c.threads = 256;
        c.detection = {false, true, std::nextafter(1.0, 0.0), false, 100000u};  // patience at its bound
        c.recovery = {1e-9, 0};
        c.chain = {10000, 40, "shanghai", 100, 10000};
        c.inject = {Injection::parse("label-noise@100000"), Injection::parse("nan@1"),
                    Injection::parse("lr-spike@50")};
        CHECK_NOTHROW(c.validate());

        const std::string text = to_toml(c);
        const TrainConfig back = parse_config(text, "roundtrip.toml");
        check_equal(back, c);
        CHECK(to_toml(back) == text);
        CHECK(text.find("test_fraction = 0.30000000000000004\n") != std::string::npos);
        CHECK(text.find("gamma = 1.0\n") != std::string::npos);
        CHECK(text.find("momentum = 0.0\n") != std::string::npos);
    }
    SUBCASE("the full example file") {
        const TrainConfig c = parse_config(full_file, "full.toml");
        check_equal(parse_config(to_toml(c), "again.toml"), c);
    }
}

TEST_CASE("load_config reads a file and names it in errors") {
    char tmpl[] = "/tmp/trainchain-config-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    const fs::path dir = tmpl;
    const fs::path file = dir / "run.toml";
    std::ofstream(file) << "epochs = 3\n[model]\nkind = \"cnn\"\n";
    const TrainConfig c = load_config(file);
    CHECK(c.epochs == 3);
    CHECK(c.model.kind == "cnn");

    std::ofstream(file) << "epochs = 3\n[model]\nknd = \"cnn\"\n";
    std::string msg;
    try {
        (void)load_config(file);
    } catch (const ConfigError& e) {
        msg = e.what();
    }
    CHECK(msg == file.string() + ":3:1: error: unknown key 'model.knd' (did you mean 'kind'?)");

    try {
        (void)load_config(dir / "missing.toml");
    } catch (const ConfigError& e) {
        msg = e.what();
    }
    CHECK(msg == (dir / "missing.toml").string() + ": error: cannot open: No such file or directory");
    fs::remove_all(dir);
}

TEST_CASE("TOML syntax errors give toml++'s position") {
    // The position is pinned; of toml++'s wording only a fragment, so that a newer toml++ still passes.
    const auto check_error = [](const std::string& text, const std::string& where,
                                const std::string& fragment) {
        const std::string msg = config_error(text);
        CAPTURE(msg);
        CHECK(msg.rfind("run.toml:" + where + ": error: ", 0) == 0);
        CHECK(msg.find(fragment) != std::string::npos);
    };
    check_error("epochs = 5\n[data\nsource = \"csv\"\n", "2:6", "expected ']'");
    check_error("epochs = 5\nseed = \n", "2:8", "expected value");
    check_error("epochs = 5\nepochs = 6\n", "2:10", "'epochs'");
    check_error("[data]\nsource = \"csv\"\n[data]\n", "3:1", "'data'");
    check_error("epochs = 99999999999999999999\n", "1:30", "not representable");
    check_error("[data]\npath = \"a\\xff\"\n", "2:11", "escape sequence");
}

TEST_CASE("unknown keys and tables are errors that name the key") {
    CHECK(config_error("epochs = 5\n\n[optimizer]\nlearning_rate = 0.1\n") ==
          "run.toml:4:1: error: unknown key 'optimizer.learning_rate'");
    CHECK(config_error("epoch = 5\n") == "run.toml:1:1: error: unknown key 'epoch' (did you mean 'epochs'?)");
    CHECK(config_error("[trainer]\nx = 1\n") == "run.toml:1:2: error: unknown table [trainer]");
    CHECK(config_error("[data.extra]\nx = 1\n") == "run.toml:1:7: error: unknown key 'data.extra'");
    CHECK(config_error("[chain]\n  nodes = 3\n  forks = \"Berlin\"\n") ==
          "run.toml:3:3: error: unknown key 'chain.forks' (did you mean 'fork'?)");
}

TEST_CASE("wrong types are errors at the value") {
    CHECK(config_error("epochs = \"ten\"\n") ==
          "run.toml:1:10: error: epochs must be an integer, not a string");
    CHECK(config_error("epochs = 2.5\n") == "run.toml:1:10: error: epochs must be an integer, not a float");
    CHECK(config_error("[optimizer]\nlr = \"0.1\"\n") ==
          "run.toml:2:6: error: optimizer.lr must be a number, not a string");
    CHECK(config_error("[detection]\novertraining = 1\n") ==
          "run.toml:2:16: error: detection.overtraining must be a boolean (true or false), not an integer");
    CHECK(config_error("[model]\nhidden = [1, \"a\"]\n") ==
          "run.toml:2:14: error: model.hidden[1] must be an integer, not a string");
    CHECK(config_error("[model]\nhidden = 128\n") ==
          "run.toml:2:10: error: model.hidden must be an array of integers, not an integer");
    CHECK(config_error("data = 3\n") == "run.toml:1:8: error: data must be a table ([data]), not an integer");
    CHECK(config_error("[data]\npath = 3\n") ==
          "run.toml:2:8: error: data.path must be a string, not an integer");
    CHECK(config_error("inject = \"nan@3\"\n") ==
          "run.toml:1:10: error: inject must be an array of strings such as [\"nan@3\"], not a string");
    CHECK(config_error("inject = [3]\n") ==
          "run.toml:1:11: error: inject[0] must be a string, not an integer");
    CHECK(config_error("seed = 1979-05-27\n") == "run.toml:1:8: error: seed must be an integer, not a date");
}

TEST_CASE("out-of-range values are errors at the value") {
    struct Case {
        const char* toml;
        const char* message;
    };
    const Case cases[] = {
        {"epochs = 0", "run.toml:1:10: error: epochs = 0 is out of range: must be 1..100000"},
        {"epochs = 100001", "run.toml:1:10: error: epochs = 100001 is out of range: must be 1..100000"},
        {"epochs = -1", "run.toml:1:10: error: epochs = -1 is out of range: must be 0..4294967295"},
        {"epochs = 4294967296",
         "run.toml:1:10: error: epochs = 4294967296 is out of range: must be 0..4294967295"},
        {"seed = -5", "run.toml:1:8: error: seed = -5 is out of range: must be 0..9223372036854775807"},
        {"threads = 0", "run.toml:1:11: error: threads = 0 is out of range: must be 1..256"},
        {"threads = 257", "run.toml:1:11: error: threads = 257 is out of range: must be 1..256"},
        {"[optimizer]\nlr = 0",
         "run.toml:2:6: error: optimizer.lr = 0.0 is out of range: must be > 0 and finite"},
        {"[optimizer]\nlr = -1e-3",
         "run.toml:2:6: error: optimizer.lr = -0.001 is out of range: must be > 0 and finite"},
        {"[optimizer]\nlr = inf",
         "run.toml:2:6: error: optimizer.lr = inf is out of range: must be > 0 and finite"},
        {"[optimizer]\nlr = nan",
         "run.toml:2:6: error: optimizer.lr = nan is out of range: must be > 0 and finite"},
        {"[optimizer]\nbatch_size = 0",
         "run.toml:2:14: error: optimizer.batch_size = 0 is out of range: must be >= 1"},
        {"[optimizer]\nmomentum = 1",
         "run.toml:2:12: error: optimizer.momentum = 1.0 is out of range: must be in [0, 1)"},
        {"[optimizer]\nweight_decay = -1",
         "run.toml:2:16: error: optimizer.weight_decay = -1.0 is out of range: must be >= 0 and finite"},
        {"[optimizer]\nstep_epochs = 0",
         "run.toml:2:15: error: optimizer.step_epochs = 0 is out of range: must be >= 1"},
        {"[optimizer]\ngamma = 1.5",
         "run.toml:2:9: error: optimizer.gamma = 1.5 is out of range: must be in (0, 1]"},
        {"[optimizer]\nkind = \"rmsprop\"",
         "run.toml:2:8: error: optimizer.kind = 'rmsprop' is not adam or sgd"},
        {"[optimizer]\nschedule = \"cosine\"",
         "run.toml:2:12: error: optimizer.schedule = 'cosine' is not constant or step"},
        {"[model]\nkind = \"rnn\"", "run.toml:2:8: error: model.kind = 'rnn' is not mlp or cnn"},
        {"[model]\nhidden = [64, 0]",
         "run.toml:2:15: error: model.hidden[1] = 0 is out of range: a width must be 1..65536"},
        {"[model]\nhidden = [65537]",
         "run.toml:2:11: error: model.hidden[0] = 65537 is out of range: a width must be 1..65536"},
        {"[model]\nchannels = [-3]",
         "run.toml:2:13: error: model.channels[0] = -3 is out of range: a count must be 1..65536"},
        {"[model]\nkind = \"cnn\"\nchannels = []",
         "run.toml:3:12: error: model.kind = 'cnn' needs at least one entry in model.channels"},
        {"[data]\nsource = \"mnist\"",
         "run.toml:2:10: error: data.source = 'mnist' is not fashion-mnist, digits, csv or idx"},
        {"[data]\ntest_fraction = 0",
         "run.toml:2:17: error: data.test_fraction = 0.0 is out of range: must be in (0, 1)"},
        {"[data]\ntest_fraction = 1.0",
         "run.toml:2:17: error: data.test_fraction = 1.0 is out of range: must be in (0, 1)"},
        {"[data]\nsource = \"idx\"\npath = \"i.gz\"",
         "run.toml:2:10: error: data.source = 'idx' needs data.labels (the IDX label file)"},
        {"[data]\nsource = \"csv\"",
         "run.toml:2:10: error: data.source = 'csv' needs data.path (the CSV file)"},
        {"[data]\nsource = \"idx\"\nlabels = \"l.gz\"",
         "run.toml:2:10: error: data.source = 'idx' needs data.path (the IDX images file)"},
        {"[data]\nsource = \"csv\"\npath = \"a.csv\"\nlabels = \"l\"",
         "run.toml:4:10: error: data.labels is only used with data.source = 'idx'"},
        {"[data]\ntest_path = \"t.csv\"",
         "run.toml:2:13: error: data.test_path is only used with data.source = 'csv' or 'idx'"},
        {"[data]\nsource = \"idx\"\npath = \"i\"\nlabels = \"l\"\ntest_path = \"t\"",
         "run.toml:5:13: error: data.test_path needs data.test_labels with 'idx'"},
        {"[data]\ntrain_limit = -1",
         "run.toml:2:15: error: data.train_limit = -1 is out of range: must be 0..9223372036854775807"},
        {"[detection]\nmax_accuracy_drop = 0",
         "run.toml:2:21: error: detection.max_accuracy_drop = 0.0 is out of range: must be in (0, 1]"},
        {"[detection]\nmax_accuracy_drop = 1.01",
         "run.toml:2:21: error: detection.max_accuracy_drop = 1.01 is out of range: must be in (0, 1]"},
        {"[detection]\npatience = 0",
         "run.toml:2:12: error: detection.patience = 0 is out of range: must be 1..100000"},
        {"[detection]\npatience = 100001",
         "run.toml:2:12: error: detection.patience = 100001 is out of range: must be 1..100000"},
        {"[recovery]\nmax_rollbacks = 1000001",
         "run.toml:2:17: error: recovery.max_rollbacks = 1000001 is out of range: must be 0..1000000"},
        {"[recovery]\nlr_factor = 0",
         "run.toml:2:13: error: recovery.lr_factor = 0.0 is out of range: must be in (0, 1]"},
        {"[recovery]\nlr_factor = 2",
         "run.toml:2:13: error: recovery.lr_factor = 2.0 is out of range: must be in (0, 1]"},
        {"[chain]\nnodes = 0", "run.toml:2:9: error: chain.nodes = 0 is out of range: must be 1..10000"},
        {"[chain]\nnodes = 10001",
         "run.toml:2:9: error: chain.nodes = 10001 is out of range: must be 1..10000"},
        {"[chain]\ndifficulty_bits = 41",
         "run.toml:2:19: error: chain.difficulty_bits = 41 is out of range: must be 0..40"},
        {"[chain]\nquorum_percent = 0",
         "run.toml:2:18: error: chain.quorum_percent = 0 is out of range: must be 51..100 (more than half "
         "of the nodes)"},
        {"[chain]\nquorum_percent = 1",
         "run.toml:2:18: error: chain.quorum_percent = 1 is out of range: must be 51..100 (more than half "
         "of the nodes)"},
        {"[chain]\nquorum_percent = 50",
         "run.toml:2:18: error: chain.quorum_percent = 50 is out of range: must be 51..100 (more than half "
         "of the nodes)"},
        {"[chain]\nquorum_percent = 101",
         "run.toml:2:18: error: chain.quorum_percent = 101 is out of range: must be 51..100 (more than half "
         "of the nodes)"},
        {"[chain]\nnodes = 4\nreplay_nodes = 5",
         "run.toml:3:16: error: chain.replay_nodes = 5 is out of range: must be 0..chain.nodes (4)"},
        {"[chain]\nfork = \"Prague\"",
         "run.toml:2:8: error: chain.fork = 'Prague' is not a known fork (Frontier, Homestead, "
         "TangerineWhistle, "
         "SpuriousDragon, Byzantium, Constantinople, Petersburg, Istanbul, Berlin, London, Paris, Shanghai "
         "or "
         "Cancun)"},
        {"epochs = 5\ninject = [\"nan@2\", \"nan@6\"]",
         "run.toml:2:20: error: inject 'nan@6' is not within epochs 1..5"},
        {"inject = [\"nan@0\"]",
         "run.toml:1:11: error: bad injection 'nan@0': expected lr-spike@N, nan@N or label-noise@N with N >= "
         "1"},
        {"inject = [\"nan@2\", \"explode@2\"]",
         "run.toml:1:20: error: bad injection 'explode@2': expected lr-spike@N, nan@N or label-noise@N with "
         "N >= 1"},
    };
    for (const Case& c : cases) {
        const std::string toml = c.toml;
        CAPTURE(toml);
        CHECK(config_error(std::string(c.toml) + "\n") == c.message);
    }
}

TEST_CASE("the edges of each range are accepted") {
    const TrainConfig c = parse_config(
        "epochs = 100000\nthreads = 256\nseed = 0\n"
        "[optimizer]\nlr = 1e-300\nbatch_size = 1\nmomentum = 0\ngamma = 1\n"
        "[detection]\nmax_accuracy_drop = 1\npatience = 1\n"
        "[recovery]\nlr_factor = 1\nmax_rollbacks = 0\n"
        "[chain]\nnodes = 10000\ndifficulty_bits = 40\nquorum_percent = 100\nreplay_nodes = 10000\nfork = "
        "\"frontier\"\n"
        "[model]\nhidden = [1, 65536]\n",
        "edges.toml");
    CHECK(c.epochs == 100000);
    CHECK(c.chain.difficulty_bits == 40);
    CHECK(c.chain.fork == "frontier");
    CHECK(parse_config("[chain]\ndifficulty_bits = 0\nquorum_percent = 51\nnodes = 1\n", "x").chain.nodes ==
          1);
    CHECK(parse_config("epochs = 1\n", "x").epochs == 1);
    CHECK(parse_config("[data]\ntest_fraction = 0.999\n", "x").data.test_fraction == 0.999);
}

TEST_CASE("validate() checks a configuration built in code") {
    TrainConfig c;
    CHECK_NOTHROW(c.validate());
    c.epochs = 0;
    CHECK(validate_error(c) == "error: epochs = 0 is out of range: must be 1..100000");
    c = {};
    c.optimizer.lr = std::numeric_limits<double>::infinity();
    CHECK(validate_error(c) == "error: optimizer.lr = inf is out of range: must be > 0 and finite");
    c = {};
    c.optimizer.lr = -0.5;
    CHECK(validate_error(c) == "error: optimizer.lr = -0.5 is out of range: must be > 0 and finite");
    c = {};
    c.optimizer.batch_size = 0;
    CHECK(validate_error(c) == "error: optimizer.batch_size = 0 is out of range: must be >= 1");
    c = {};
    c.threads = 300;
    CHECK(validate_error(c) == "error: threads = 300 is out of range: must be 1..256");
    c = {};
    c.chain.nodes = 20000;
    CHECK(validate_error(c) == "error: chain.nodes = 20000 is out of range: must be 1..10000");
    c = {};
    c.chain.difficulty_bits = 64;
    CHECK(validate_error(c) == "error: chain.difficulty_bits = 64 is out of range: must be 0..40");
    c = {};
    c.chain.quorum_percent = 150;
    CHECK(validate_error(c) ==
          "error: chain.quorum_percent = 150 is out of range: must be 51..100 (more than half of the nodes)");
    c = {};
    c.chain.quorum_percent = 50;
    CHECK(validate_error(c) ==
          "error: chain.quorum_percent = 50 is out of range: must be 51..100 (more than half of the nodes)");
    c = {};
    c.data.test_fraction = 1.5;
    CHECK(validate_error(c) == "error: data.test_fraction = 1.5 is out of range: must be in (0, 1)");
    c = {};
    c.detection.max_accuracy_drop = 0;
    CHECK(validate_error(c) == "error: detection.max_accuracy_drop = 0.0 is out of range: must be in (0, 1]");
    c = {};
    c.detection.patience = 0;
    CHECK(validate_error(c) == "error: detection.patience = 0 is out of range: must be 1..100000");
    c = {};
    c.recovery.lr_factor = 1.5;
    CHECK(validate_error(c) == "error: recovery.lr_factor = 1.5 is out of range: must be in (0, 1]");
    c = {};
    c.model.kind = "transformer";
    CHECK(validate_error(c) == "error: model.kind = 'transformer' is not mlp or cnn");
    c = {};
    c.model.hidden = {128, 70000};
    CHECK(validate_error(c) == "error: model.hidden[1] = 70000 is out of range: a width must be 1..65536");
    c = {};
    c.optimizer.kind = "lion";
    CHECK(validate_error(c) == "error: optimizer.kind = 'lion' is not adam or sgd");
    c = {};
    c.optimizer.schedule = "cosine";
    CHECK(validate_error(c) == "error: optimizer.schedule = 'cosine' is not constant or step");
    c = {};
    c.data.source = "idx";
    c.data.path = "images.gz";
    CHECK(validate_error(c) == "error: data.source = 'idx' needs data.labels (the IDX label file)");
    c.data.labels = "labels.gz";
    CHECK_NOTHROW(c.validate());
    c = {};
    c.data.source = "csv";
    CHECK(validate_error(c) == "error: data.source = 'csv' needs data.path (the CSV file)");
    c = {};
    c.data.source = "imagenet";
    CHECK(validate_error(c) == "error: data.source = 'imagenet' is not fashion-mnist, digits, csv or idx");
    c = {};
    c.seed = 1ull << 63;
    CHECK(validate_error(c) ==
          "error: seed = 9223372036854775808 is out of range: at most 9223372036854775807");
    c = {};
    c.inject = {Injection{Injection::Kind::Nan, 0}};
    CHECK(validate_error(c) == "error: inject 'nan@0' is not within epochs 1..10");
}

TEST_CASE("Injection::parse accepts exactly lr-spike@N, nan@N and label-noise@N with N >= 1") {
    const Injection a = Injection::parse("lr-spike@5");
    CHECK(a.kind == Injection::Kind::LrSpike);
    CHECK(a.epoch == 5);
    const Injection b = Injection::parse("nan@3");
    CHECK(b.kind == Injection::Kind::Nan);
    CHECK(b.epoch == 3);
    const Injection c = Injection::parse("label-noise@4294967295");
    CHECK(c.kind == Injection::Kind::LabelNoise);
    CHECK(c.epoch == 4294967295u);
    CHECK(a.to_string() == "lr-spike@5");
    CHECK(b.to_string() == "nan@3");
    CHECK(c.to_string() == "label-noise@4294967295");

    for (const std::string bad :
         {"", "nan", "nan@", "@3", "nan@0", "nan@-1", "nan@+1", "nan@3x", "nan@ 3", " nan@3", "nan@3 ",
          "NaN@3", "lr_spike@2", "labelnoise@2", "nan@@3", "nan@4294967296", "nan@1.5"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS((void)Injection::parse(bad), ConfigError);
    }
    try {
        (void)Injection::parse("boom@2");
        FAIL("no error");
    } catch (const ConfigError& e) {
        CHECK(std::string(e.what()) ==
              "error: bad injection 'boom@2': expected lr-spike@N, nan@N or label-noise@N with N >= 1");
    }
}
