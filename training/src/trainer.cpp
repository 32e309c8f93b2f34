// training/src/trainer.cpp - the Deep Learning Tool on libtorch: models, the epoch loop,
// evaluation, and the checkpoint format (weights, optimizer state and a JSON description).
//
// Checkpoint layout (all integers little-endian):
//   "TCCKPT01"                      8-byte magic
//   u32 n, n bytes                  JSON: the CheckpointInfo (keys sorted, so deterministic)
//   u32 count, then per parameter:  u16 name length, name, u64 element count, float32 values
//   u8 optimizer kind (0 adam, 1 sgd), then per parameter, in the same order:
//     adam: u8 present, [i64 step, exp_avg values, exp_avg_sq values]
//     sgd:  u8 present, [momentum_buffer values]
// Raw tensor bytes rather than torch's zip archive: the same state always gives the same bytes,
// which replay verification compares by digest.
#include "trainchain/training/trainer.hpp"

#include <torch/torch.h>

#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

namespace trainchain::training {
namespace {

constexpr char magic[8] = {'T', 'C', 'C', 'K', 'P', 'T', '0', '1'};

/// SplitMix64 finalizer: a well-mixed 64-bit value from any input.
uint64_t mix(uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

std::string inject_name(const std::optional<Injection::Kind>& kind) {
    if (!kind) return "";
    const std::string text = Injection{*kind, 1}.to_string();  // "nan@1"
    return text.substr(0, text.find('@'));
}

std::optional<Injection::Kind> inject_kind(const std::string& name) {
    if (name.empty()) return std::nullopt;
    return Injection::parse(name + "@1").kind;
}

/// The image shape a CNN sees: the sample shape when it is {C, H, W}; a square feature count as
/// {1, s, s}; nothing otherwise.
std::optional<std::array<int64_t, 3>> image_shape(const Dataset& d) {
    if (d.sample_shape.size() == 3)
        return std::array{d.sample_shape[0], d.sample_shape[1], d.sample_shape[2]};
    const auto n = static_cast<int64_t>(d.sample_size());
    const auto s = static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(n))));
    if (s * s == n) return std::array<int64_t, 3>{1, s, s};
    return std::nullopt;
}

// ---- little-endian writing and bounds-checked reading ----------------------------------------

void put_u8(Bytes& out, uint8_t v) { out.push_back(v); }
void put_u16(Bytes& out, uint16_t v) {
    for (int i = 0; i < 2; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u32(Bytes& out, uint32_t v) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_u64(Bytes& out, uint64_t v) {
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_floats(Bytes& out, const torch::Tensor& t) {
    const torch::Tensor c = t.detach().to(torch::kFloat32).contiguous();
    const auto* p = reinterpret_cast<const uint8_t*>(c.data_ptr<float>());
    out.insert(out.end(), p, p + c.numel() * sizeof(float));
}

class Reader {
public:
    explicit Reader(std::span<const uint8_t> bytes) : bytes_(bytes) {}
    std::span<const uint8_t> take(size_t n, const char* what) {
        if (n > bytes_.size() - pos_)
            throw CheckpointError("checkpoint: error: truncated at byte " + std::to_string(pos_) +
                                  " (reading " + what + ")");
        const auto s = bytes_.subspan(pos_, n);
        pos_ += n;
        return s;
    }
    uint64_t uint(size_t width, const char* what) {
        const auto s = take(width, what);
        uint64_t v = 0;
        for (size_t i = 0; i < width; ++i) v |= uint64_t{s[i]} << (8 * i);
        return v;
    }
    /// Fills a contiguous float32 tensor (a parameter or an optimizer state) from the next bytes.
    void floats_into(torch::Tensor& t, const char* what) {
        const auto s = take(static_cast<size_t>(t.numel()) * sizeof(float), what);
        if (!s.empty()) std::memcpy(t.data_ptr<float>(), s.data(), s.size());
    }
    [[nodiscard]] size_t pos() const noexcept { return pos_; }
    [[nodiscard]] bool done() const noexcept { return pos_ == bytes_.size(); }

private:
    std::span<const uint8_t> bytes_;
    size_t pos_ = 0;
};

nlohmann::json info_to_json(const CheckpointInfo& info) {
    nlohmann::json j;
    j["epoch"] = info.plan.epoch;
    j["lr"] = info.plan.lr;
    j["seed"] = info.plan.seed;
    j["inject"] = inject_name(info.plan.inject);
    j["rollbacks"] = info.plan.rollbacks;
    j["train_loss"] = info.metrics.train_loss;
    j["test_loss"] = info.metrics.test_loss;
    j["test_accuracy"] = info.metrics.test_accuracy;
    j["threads"] = info.threads;
    j["config_digest"] = info.config_digest;
    // JSON has no NaN: non-finite losses are written as strings.
    for (const char* key : {"train_loss", "test_loss"})
        if (!std::isfinite(j[key].get<double>())) j[key] = std::to_string(j[key].get<double>());
    return j;
}

double json_number(const nlohmann::json& j, const char* key) {
    const auto& v = j.at(key);
    if (v.is_string()) return std::stod(v.get<std::string>());
    return v.get<double>();
}

CheckpointInfo info_from_json(const nlohmann::json& j) {
    CheckpointInfo info;
    info.plan.epoch = j.at("epoch").get<uint32_t>();
    info.plan.lr = j.at("lr").get<double>();
    info.plan.seed = j.at("seed").get<uint64_t>();
    info.plan.inject = inject_kind(j.at("inject").get<std::string>());
    info.plan.rollbacks = j.at("rollbacks").get<uint32_t>();
    info.metrics.train_loss = json_number(j, "train_loss");
    info.metrics.test_loss = json_number(j, "test_loss");
    info.metrics.test_accuracy = j.at("test_accuracy").get<double>();
    info.threads = j.at("threads").get<uint32_t>();
    info.config_digest = j.at("config_digest").get<std::string>();
    return info;
}

}  // namespace

double planned_lr(const TrainConfig& config, uint32_t epoch, uint32_t rollbacks) {
    double lr = config.optimizer.lr;
    if (config.optimizer.schedule == "step" && config.optimizer.step_epochs > 0)
        lr *=
            std::pow(config.optimizer.gamma, static_cast<double>((epoch - 1) / config.optimizer.step_epochs));
    return lr * std::pow(config.recovery.lr_factor, static_cast<double>(rollbacks));
}

uint64_t epoch_seed(uint64_t run_seed, uint32_t epoch, uint32_t rollbacks) {
    return mix(mix(run_seed) ^ (uint64_t{epoch} << 32 | rollbacks));
}

struct Trainer::Impl {
    TrainConfig config;
    std::shared_ptr<const DataSplit> data;
    torch::nn::Sequential model{nullptr};
    std::unique_ptr<torch::optim::Optimizer> optimizer;
    bool adam = true;
    std::vector<torch::Tensor> params;  // model order
    std::vector<std::string> names;
    torch::Tensor train_x, train_y, test_x, test_y;
    std::string layout;

    torch::Tensor features(const Dataset& d) const {
        std::vector<int64_t> shape{static_cast<int64_t>(d.rows)};
        if (config.model.kind == "cnn") {
            const auto img = *image_shape(d);
            shape.insert(shape.end(), img.begin(), img.end());
        } else {
            shape.push_back(static_cast<int64_t>(d.sample_size()));
        }
        return torch::from_blob(const_cast<float*>(d.features.data()), shape, torch::kFloat32).clone();
    }

    void build() {
        const Dataset& train = data->train;
        const int64_t classes = std::max(train.classes, data->test.classes);
        model = torch::nn::Sequential();
        if (config.model.kind == "cnn") {
            const auto img = image_shape(train);
            if (!img)
                throw ConfigError(
                    "model: error: a cnn needs images ({C,H,W} samples or a square feature count); "
                    "this data has " +
                    std::to_string(train.sample_size()) + " features per sample");
            int64_t channels = (*img)[0], h = (*img)[1], w = (*img)[2];
            layout = "cnn " + std::to_string(channels) + "x" + std::to_string(h) + "x" + std::to_string(w);
            for (const int64_t c : config.model.channels) {
                model->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(channels, c, 3).padding(1)));
                model->push_back(torch::nn::ReLU());
                if (h >= 2 && w >= 2) {
                    model->push_back(torch::nn::MaxPool2d(torch::nn::MaxPool2dOptions(2)));
                    h /= 2;
                    w /= 2;
                }
                channels = c;
                layout += " conv" + std::to_string(c);
            }
            model->push_back(torch::nn::Flatten());
            int64_t in = channels * h * w;
            for (const int64_t width : config.model.hidden) {
                model->push_back(torch::nn::Linear(in, width));
                model->push_back(torch::nn::ReLU());
                in = width;
                layout += "-" + std::to_string(width);
            }
            model->push_back(torch::nn::Linear(in, classes));
            layout += "-" + std::to_string(classes);
        } else {
            int64_t in = static_cast<int64_t>(train.sample_size());
            layout = "mlp " + std::to_string(in);
            for (const int64_t width : config.model.hidden) {
                model->push_back(torch::nn::Linear(in, width));
                model->push_back(torch::nn::ReLU());
                in = width;
                layout += "-" + std::to_string(width);
            }
            model->push_back(torch::nn::Linear(in, classes));
            layout += "-" + std::to_string(classes);
        }
        for (const auto& p : model->named_parameters()) {
            names.push_back(p.key());
            params.push_back(p.value());
        }
        const auto& o = config.optimizer;
        if (o.kind == "sgd") {
            adam = false;
            optimizer = std::make_unique<torch::optim::SGD>(
                params, torch::optim::SGDOptions(o.lr).momentum(o.momentum).weight_decay(o.weight_decay));
        } else {
            optimizer = std::make_unique<torch::optim::Adam>(
                params, torch::optim::AdamOptions(o.lr).weight_decay(o.weight_decay));
        }
    }

    void set_lr(double lr) {
        for (auto& group : optimizer->param_groups()) {
            if (adam)
                static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
            else
                static_cast<torch::optim::SGDOptions&>(group.options()).lr(lr);
        }
    }

    static std::string key(const torch::Tensor& p) { return c10::guts::to_string(p.unsafeGetTensorImpl()); }
};

Trainer::Trainer(const TrainConfig& config, std::shared_ptr<const DataSplit> data)
    : impl_(std::make_unique<Impl>()) {
    impl_->config = config;
    impl_->data = std::move(data);
    if (impl_->data->train.rows == 0 || impl_->data->test.rows == 0)
        throw ConfigError("data: error: the training and the test set must each have at least one row");
    torch::set_num_threads(static_cast<int>(config.threads));
    torch::manual_seed(config.seed);
    impl_->build();
    impl_->train_x = impl_->features(impl_->data->train);
    impl_->train_y = torch::tensor(impl_->data->train.labels, torch::kInt64);
    impl_->test_x = impl_->features(impl_->data->test);
    impl_->test_y = torch::tensor(impl_->data->test.labels, torch::kInt64);
}

Trainer::~Trainer() = default;

EpochMetrics Trainer::train_epoch(const EpochPlan& plan, const ProgressFn& progress) {
    Impl& m = *impl_;
    torch::set_num_threads(static_cast<int>(m.config.threads));
    const bool spike = plan.inject == Injection::Kind::LrSpike;
    m.set_lr(spike ? plan.lr * 1000.0 : plan.lr);  // the lr-spike injection: 1000x for one epoch

    const auto rows = static_cast<int64_t>(m.data->train.rows);
    std::mt19937_64 rng(plan.seed);
    // Fisher-Yates with j = rng() % (i + 1): independent of the standard library's distributions.
    std::vector<int64_t> order(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) order[static_cast<size_t>(i)] = i;
    for (int64_t i = rows - 1; i > 0; --i)
        std::swap(order[static_cast<size_t>(i)],
                  order[static_cast<size_t>(rng() % static_cast<uint64_t>(i + 1))]);
    torch::Tensor labels = m.train_y;
    if (plan.inject == Injection::Kind::LabelNoise) {
        // Every label shifted to the next class: the epoch learns a systematically wrong mapping
        // (uniformly random labels barely move a converged model in one epoch).
        const int64_t classes = std::max<int64_t>(m.data->train.classes, 1);
        labels = (m.train_y + 1).remainder(classes);
    }
    const torch::Tensor index = torch::tensor(order, torch::kInt64);

    m.model->train();
    const int64_t batch = m.config.optimizer.batch_size;
    const size_t batches = static_cast<size_t>((rows + batch - 1) / batch);
    double loss_sum = 0;
    for (size_t b = 0; b < batches; ++b) {
        const int64_t begin = static_cast<int64_t>(b) * batch;
        const int64_t end = std::min(rows, begin + batch);
        const torch::Tensor idx = index.slice(0, begin, end);
        const torch::Tensor x = m.train_x.index_select(0, idx);
        const torch::Tensor y = labels.index_select(0, idx);
        if (plan.inject == Injection::Kind::Nan && b == batches / 2) corrupt_weights(true);
        m.optimizer->zero_grad();
        const torch::Tensor loss = torch::nn::functional::cross_entropy(m.model->forward(x), y);
        loss.backward();
        m.optimizer->step();
        loss_sum += loss.item<double>() * static_cast<double>(end - begin);
        if (progress) progress(b + 1, batches);
    }
    if (spike) m.set_lr(plan.lr);
    EpochMetrics metrics = evaluate();
    metrics.train_loss = loss_sum / static_cast<double>(rows);
    return metrics;
}

EpochMetrics Trainer::evaluate() const {
    Impl& m = *impl_;
    torch::NoGradGuard no_grad;
    m.model->eval();
    const auto rows = static_cast<int64_t>(m.data->test.rows);
    double loss_sum = 0;
    int64_t correct = 0;
    for (int64_t begin = 0; begin < rows; begin += 1024) {
        const int64_t end = std::min(rows, begin + 1024);
        const torch::Tensor logits = m.model->forward(m.test_x.slice(0, begin, end));
        const torch::Tensor y = m.test_y.slice(0, begin, end);
        loss_sum += torch::nn::functional::cross_entropy(
                        logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
                        .item<double>();
        correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    }
    m.model->train();
    EpochMetrics metrics;
    metrics.test_loss = loss_sum / static_cast<double>(rows);
    metrics.test_accuracy = static_cast<double>(correct) / static_cast<double>(rows);
    return metrics;
}

Bytes Trainer::checkpoint(const CheckpointInfo& info) const {
    const Impl& m = *impl_;
    Bytes out(std::begin(magic), std::end(magic));
    const std::string json = info_to_json(info).dump();
    put_u32(out, static_cast<uint32_t>(json.size()));
    out.insert(out.end(), json.begin(), json.end());
    put_u32(out, static_cast<uint32_t>(m.params.size()));
    for (size_t i = 0; i < m.params.size(); ++i) {
        put_u16(out, static_cast<uint16_t>(m.names[i].size()));
        out.insert(out.end(), m.names[i].begin(), m.names[i].end());
        put_u64(out, static_cast<uint64_t>(m.params[i].numel()));
        put_floats(out, m.params[i]);
    }
    put_u8(out, m.adam ? 0 : 1);
    const auto& state = m.optimizer->state();
    for (const auto& p : m.params) {
        const auto it = state.find(Impl::key(p));
        put_u8(out, it != state.end() ? 1 : 0);
        if (it == state.end()) continue;
        if (m.adam) {
            const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
            put_u64(out, static_cast<uint64_t>(s.step()));
            put_floats(out, s.exp_avg());
            put_floats(out, s.exp_avg_sq());
        } else {
            const auto& s = static_cast<const torch::optim::SGDParamState&>(*it->second);
            put_floats(out, s.momentum_buffer());
        }
    }
    return out;
}

CheckpointInfo Trainer::read_info(std::span<const uint8_t> checkpoint) {
    Reader r(checkpoint);
    const auto head = r.take(sizeof magic, "magic");
    if (!std::equal(head.begin(), head.end(), std::begin(magic)))
        throw CheckpointError("checkpoint: error: not a trainchain checkpoint (bad magic)");
    const auto n = r.uint(4, "info length");
    const auto text = r.take(n, "info");
    try {
        return info_from_json(nlohmann::json::parse(text.begin(), text.end()));
    } catch (const std::exception& e) {
        throw CheckpointError(std::string("checkpoint: error: bad info: ") + e.what());
    }
}

CheckpointInfo Trainer::restore(std::span<const uint8_t> checkpoint) {
    Impl& m = *impl_;
    const CheckpointInfo info = read_info(checkpoint);
    Reader r(checkpoint);
    r.take(sizeof magic, "magic");
    r.take(r.uint(4, "info length"), "info");
    if (r.uint(4, "parameter count") != m.params.size())
        throw CheckpointError("checkpoint: error: parameter count differs from the model (" + m.layout + ")");
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < m.params.size(); ++i) {
        const auto name_bytes = r.take(r.uint(2, "name length"), "name");
        const std::string name(name_bytes.begin(), name_bytes.end());
        if (name != m.names[i] || r.uint(8, "element count") != static_cast<uint64_t>(m.params[i].numel()))
            throw CheckpointError("checkpoint: error: parameter " + std::to_string(i) + " ('" + name +
                                  "') does not match the model (" + m.layout + ")");
        r.floats_into(m.params[i], "weights");
    }
    const auto kind = r.uint(1, "optimizer kind");
    if (kind != (m.adam ? 0U : 1U))
        throw CheckpointError("checkpoint: error: optimizer kind differs from the configuration");
    auto& state = m.optimizer->state();
    state.clear();
    for (const auto& p : m.params) {
        if (r.uint(1, "optimizer state flag") == 0) continue;
        if (m.adam) {
            auto s = std::make_unique<torch::optim::AdamParamState>();
            s->step(static_cast<int64_t>(r.uint(8, "adam step")));
            torch::Tensor avg = torch::zeros_like(p), avg_sq = torch::zeros_like(p);
            r.floats_into(avg, "adam exp_avg");
            r.floats_into(avg_sq, "adam exp_avg_sq");
            s->exp_avg(avg);
            s->exp_avg_sq(avg_sq);
            state[Impl::key(p)] = std::move(s);
        } else {
            auto s = std::make_unique<torch::optim::SGDParamState>();
            torch::Tensor buf = torch::zeros_like(p);
            r.floats_into(buf, "sgd momentum");
            s->momentum_buffer(buf);
            state[Impl::key(p)] = std::move(s);
        }
    }
    if (!r.done())
        throw CheckpointError("checkpoint: error: " + std::to_string(checkpoint.size() - r.pos()) +
                              " unexpected bytes after the optimizer state");
    m.set_lr(info.plan.lr);
    return info;
}

void Trainer::corrupt_weights(bool with_nan) {
    torch::NoGradGuard no_grad;
    if (with_nan) {
        impl_->params.front().view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
    } else {
        impl_->params.front().view(-1)[0] += 1e-3f;
    }
}

int64_t Trainer::parameter_count() const {
    int64_t n = 0;
    for (const auto& p : impl_->params) n += p.numel();
    return n;
}

std::string Trainer::describe() const { return impl_->layout; }

}  // namespace trainchain::training
