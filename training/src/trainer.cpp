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
//
// A training state (a segment boundary inside an epoch, for sampled replay) is "TCSTATE1", the
// plan (u32 epoch, f64 lr, u64 seed, u8 injection: 0 none or 1 + kind, u32 rollbacks), u64 step,
// u64 steps in the epoch, f64 loss sum, then the same parameter and optimizer bytes. Mid-epoch,
// nothing else is running state: the batch order and the label noise follow from the plan's seed,
// and no step draws random numbers.
#include "trainchain/training/trainer.hpp"

#include <torch/torch.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>
#include <random>

namespace trainchain::training {
namespace {

constexpr char magic[8] = {'T', 'C', 'C', 'K', 'P', 'T', '0', '1'};
constexpr char state_magic[8] = {'T', 'C', 'S', 'T', 'A', 'T', 'E', '1'};
constexpr char eval_magic[8] = {'T', 'C', 'E', 'V', 'A', 'L', '0', '1'};

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
void put_f64(Bytes& out, double v) { put_u64(out, std::bit_cast<uint64_t>(v)); }
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
    double f64(const char* what) { return std::bit_cast<double>(uint(8, what)); }
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
    std::vector<torch::Tensor> params;                          // model order
    mutable std::vector<std::pair<double, int64_t>> last_eval;  // per test chunk: loss sum, correct
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

    /// An epoch being trained: its plan, batch order and labels.
    struct Epoch {
        EpochPlan plan;
        torch::Tensor index, labels;
        int64_t rows = 0;
        uint64_t steps = 0;
    };

    [[nodiscard]] uint64_t steps_per_epoch() const {
        const auto rows = static_cast<int64_t>(data->train.rows);
        const int64_t batch = config.optimizer.batch_size;
        return static_cast<uint64_t>((rows + batch - 1) / batch);
    }

    /// Sets the epoch's learning rate and computes its batch order and labels.
    Epoch begin(const EpochPlan& plan) {
        torch::set_num_threads(static_cast<int>(config.threads));
        const bool spike = plan.inject == Injection::Kind::LrSpike;
        set_lr(spike ? plan.lr * 1000.0 : plan.lr);  // the lr-spike injection: 1000x for one epoch
        Epoch e;
        e.plan = plan;
        e.rows = static_cast<int64_t>(data->train.rows);
        e.steps = steps_per_epoch();
        std::mt19937_64 rng(plan.seed);
        // Fisher-Yates with j = rng() % (i + 1): independent of the standard library's distributions.
        std::vector<int64_t> order(static_cast<size_t>(e.rows));
        for (int64_t i = 0; i < e.rows; ++i) order[static_cast<size_t>(i)] = i;
        for (int64_t i = e.rows - 1; i > 0; --i)
            std::swap(order[static_cast<size_t>(i)],
                      order[static_cast<size_t>(rng() % static_cast<uint64_t>(i + 1))]);
        e.labels = train_y;
        if (plan.inject == Injection::Kind::LabelNoise) {
            // Every label shifted to the next class: the epoch learns a systematically wrong mapping
            // (uniformly random labels barely move a converged model in one epoch).
            const int64_t classes = std::max<int64_t>(data->train.classes, 1);
            e.labels = (train_y + 1).remainder(classes);
        }
        e.index = torch::tensor(order, torch::kInt64);
        model->train();
        return e;
    }

    /// Trains step `b` of the epoch; returns the batch's loss times its rows.
    double step(const Epoch& e, uint64_t b) {
        const int64_t batch = config.optimizer.batch_size;
        const int64_t first = static_cast<int64_t>(b) * batch;
        const int64_t last = std::min(e.rows, first + batch);
        const torch::Tensor idx = e.index.slice(0, first, last);
        const torch::Tensor x = train_x.index_select(0, idx);
        const torch::Tensor y = e.labels.index_select(0, idx);
        if (e.plan.inject == Injection::Kind::Nan && b == e.steps / 2) set_nan();
        optimizer->zero_grad();
        const torch::Tensor loss = torch::nn::functional::cross_entropy(model->forward(x), y);
        loss.backward();
        optimizer->step();
        return loss.item<double>() * static_cast<double>(last - first);
    }

    /// A forged step: no training; Noise moves every weight by N(0, lr).
    void forged_step(const Forgery& f, const Epoch& e, uint64_t b) {
        if (f.kind != Forgery::Kind::Noise) return;
        torch::NoGradGuard no_grad;
        auto gen = at::detail::createCPUGenerator(f.noise_seed ^ (b * 0x9e3779b97f4a7c15ULL));
        for (auto& p : params) p.add_(at::normal(0.0, e.plan.lr, p.sizes(), gen));
    }

    void set_nan() {
        torch::NoGradGuard no_grad;
        params.front().view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
    }

    /// The parameters and optimizer state, as checkpoints and training states hold them.
    void put_body(Bytes& out) const {
        put_u32(out, static_cast<uint32_t>(params.size()));
        for (size_t i = 0; i < params.size(); ++i) {
            put_u16(out, static_cast<uint16_t>(names[i].size()));
            out.insert(out.end(), names[i].begin(), names[i].end());
            put_u64(out, static_cast<uint64_t>(params[i].numel()));
            put_floats(out, params[i]);
        }
        put_u8(out, adam ? 0 : 1);
        const auto& state = optimizer->state();
        for (const auto& p : params) {
            const auto it = state.find(key(p));
            put_u8(out, it != state.end() ? 1 : 0);
            if (it == state.end()) continue;
            if (adam) {
                const auto& s = static_cast<const torch::optim::AdamParamState&>(*it->second);
                put_u64(out, static_cast<uint64_t>(s.step()));
                put_floats(out, s.exp_avg());
                put_floats(out, s.exp_avg_sq());
            } else {
                const auto& s = static_cast<const torch::optim::SGDParamState&>(*it->second);
                put_floats(out, s.momentum_buffer());
            }
        }
    }

    /// Reads what put_body wrote into the model and optimizer; the bytes must end there.
    void read_body(Reader& r, size_t total) {
        if (r.uint(4, "parameter count") != params.size())
            throw CheckpointError("checkpoint: error: parameter count differs from the model (" + layout +
                                  ")");
        torch::NoGradGuard no_grad;
        for (size_t i = 0; i < params.size(); ++i) {
            const auto name_bytes = r.take(r.uint(2, "name length"), "name");
            const std::string name(name_bytes.begin(), name_bytes.end());
            if (name != names[i] || r.uint(8, "element count") != static_cast<uint64_t>(params[i].numel()))
                throw CheckpointError("checkpoint: error: parameter " + std::to_string(i) + " ('" + name +
                                      "') does not match the model (" + layout + ")");
            r.floats_into(params[i], "weights");
        }
        const auto kind = r.uint(1, "optimizer kind");
        if (kind != (adam ? 0U : 1U))
            throw CheckpointError("checkpoint: error: optimizer kind differs from the configuration");
        auto& state = optimizer->state();
        state.clear();
        for (const auto& p : params) {
            if (r.uint(1, "optimizer state flag") == 0) continue;
            if (adam) {
                auto s = std::make_unique<torch::optim::AdamParamState>();
                s->step(static_cast<int64_t>(r.uint(8, "adam step")));
                torch::Tensor avg = torch::zeros_like(p), avg_sq = torch::zeros_like(p);
                r.floats_into(avg, "adam exp_avg");
                r.floats_into(avg_sq, "adam exp_avg_sq");
                s->exp_avg(avg);
                s->exp_avg_sq(avg_sq);
                state[key(p)] = std::move(s);
            } else {
                auto s = std::make_unique<torch::optim::SGDParamState>();
                torch::Tensor buf = torch::zeros_like(p);
                r.floats_into(buf, "sgd momentum");
                s->momentum_buffer(buf);
                state[key(p)] = std::move(s);
            }
        }
        if (!r.done())
            throw CheckpointError("checkpoint: error: " + std::to_string(total - r.pos()) +
                                  " unexpected bytes after the optimizer state");
    }

    /// A training state: where the epoch stands, then the body.
    [[nodiscard]] Bytes state(const StatePosition& at) const {
        Bytes out(std::begin(state_magic), std::end(state_magic));
        put_u32(out, at.plan.epoch);
        put_f64(out, at.plan.lr);
        put_u64(out, at.plan.seed);
        put_u8(out, at.plan.inject ? static_cast<uint8_t>(1 + static_cast<uint8_t>(*at.plan.inject)) : 0);
        put_u32(out, at.plan.rollbacks);
        put_u64(out, at.step);
        put_u64(out, at.steps);
        put_f64(out, at.loss_sum);
        put_body(out);
        return out;
    }
};

namespace {

/// Reads a training state's header, leaving `r` at the body.
StatePosition read_position(Reader& r) {
    const auto head = r.take(sizeof state_magic, "magic");
    if (!std::equal(head.begin(), head.end(), std::begin(state_magic)))
        throw CheckpointError("training state: error: not a trainchain training state (bad magic)");
    StatePosition at;
    at.plan.epoch = static_cast<uint32_t>(r.uint(4, "epoch"));
    at.plan.lr = r.f64("learning rate");
    at.plan.seed = r.uint(8, "seed");
    const auto inject = r.uint(1, "injection");
    if (inject > 3)
        throw CheckpointError("training state: error: unknown injection " + std::to_string(inject));
    if (inject != 0) at.plan.inject = static_cast<Injection::Kind>(inject - 1);
    at.plan.rollbacks = static_cast<uint32_t>(r.uint(4, "rollbacks"));
    at.step = r.uint(8, "step");
    at.steps = r.uint(8, "steps");
    at.loss_sum = r.f64("loss sum");
    if (at.step > at.steps)
        throw CheckpointError("training state: error: step " + std::to_string(at.step) +
                              " is past the epoch's " + std::to_string(at.steps) + " steps");
    return at;
}

/// The body (parameters and optimizer state) of a checkpoint or a training state.
std::span<const uint8_t> body_of(std::span<const uint8_t> bytes) {
    Reader r(bytes);
    const auto head = r.take(sizeof magic, "magic");
    if (std::equal(head.begin(), head.end(), std::begin(magic))) {
        r.take(r.uint(4, "info length"), "info");
        return bytes.subspan(r.pos());
    }
    Reader s(bytes);
    read_position(s);
    return bytes.subspan(s.pos());
}

}  // namespace

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
    EpochRun run;
    run.progress = progress;
    return train_epoch(plan, run);
}

EpochMetrics Trainer::train_epoch(const EpochPlan& plan, const EpochRun& run) {
    Impl& m = *impl_;
    const Impl::Epoch e = m.begin(plan);
    StatePosition at{plan, 0, e.steps, 0.0};
    const uint32_t s = run.segment_steps;
    if (s != 0 && run.on_state) run.on_state(0, m.state(at));
    const Forgery* f = run.forgery;
    for (uint64_t b = 0; b < e.steps; ++b) {
        if (f != nullptr && b >= f->first && b < f->first + f->steps) {
            m.forged_step(*f, e, b);
            if (f->kind == Forgery::Kind::Copy && b + 1 == f->first + f->steps) {
                Reader r(f->donor);
                read_position(r);
                m.read_body(r, f->donor.size());
            }
        } else {
            at.loss_sum += m.step(e, b);
        }
        at.step = b + 1;
        if (s != 0 && run.on_state && (at.step % s == 0 || at.step == e.steps))
            run.on_state(at.step, m.state(at));
        if (run.progress) run.progress(b + 1, e.steps);
    }
    if (plan.inject == Injection::Kind::LrSpike) m.set_lr(plan.lr);
    EpochMetrics metrics = evaluate();
    metrics.train_loss = at.loss_sum / static_cast<double>(e.rows);
    return metrics;
}

uint64_t Trainer::steps_per_epoch() const { return impl_->steps_per_epoch(); }

uint64_t Trainer::train_rows() const { return impl_->data->train.rows; }

uint64_t Trainer::test_rows() const { return impl_->data->test.rows; }

Bytes Trainer::start_state(const EpochPlan& plan) const {
    return impl_->state({plan, 0, impl_->steps_per_epoch(), 0.0});
}

Bytes Trainer::replay_segment(std::span<const uint8_t> state, uint64_t steps) {
    Impl& m = *impl_;
    Reader r(state);
    StatePosition at = read_position(r);
    if (at.steps != m.steps_per_epoch())
        throw CheckpointError("training state: error: its epoch has " + std::to_string(at.steps) +
                              " steps; this configuration makes " + std::to_string(m.steps_per_epoch()));
    m.read_body(r, state.size());
    const Impl::Epoch e = m.begin(at.plan);
    const uint64_t end = std::min(at.steps, at.step + steps);
    for (uint64_t b = at.step; b < end; ++b) at.loss_sum += m.step(e, b);
    at.step = end;
    Bytes out = m.state(at);
    if (at.plan.inject == Injection::Kind::LrSpike) m.set_lr(at.plan.lr);
    return out;
}

StatePosition Trainer::read_state_position(std::span<const uint8_t> state) {
    Reader r(state);
    return read_position(r);
}

bool Trainer::same_weights(std::span<const uint8_t> state, std::span<const uint8_t> checkpoint) {
    const auto a = body_of(state), b = body_of(checkpoint);
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::pair<double, int64_t> Trainer::evaluate_chunk(uint64_t chunk) const {
    Impl& m = *impl_;
    torch::NoGradGuard no_grad;
    m.model->eval();
    const auto rows = static_cast<int64_t>(m.data->test.rows);
    const auto begin = static_cast<int64_t>(chunk * eval_chunk_rows);
    const int64_t end = std::min(rows, begin + static_cast<int64_t>(eval_chunk_rows));
    const torch::Tensor logits = m.model->forward(m.test_x.slice(0, begin, end));
    const torch::Tensor y = m.test_y.slice(0, begin, end);
    const double loss =
        torch::nn::functional::cross_entropy(
            logits, y, torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum))
            .item<double>();
    const int64_t correct = logits.argmax(1).eq(y).sum().item<int64_t>();
    m.model->train();
    return {loss, correct};
}

uint64_t Trainer::eval_chunks() const {
    return (impl_->data->test.rows + eval_chunk_rows - 1) / eval_chunk_rows;
}

EpochMetrics Trainer::evaluate() const {
    Impl& m = *impl_;
    const auto rows = static_cast<double>(m.data->test.rows);
    double loss_sum = 0;
    int64_t correct = 0;
    m.last_eval.clear();
    for (uint64_t c = 0; c < eval_chunks(); ++c) {
        const auto r = evaluate_chunk(c);
        m.last_eval.push_back(r);
        loss_sum += r.first;
        correct += r.second;
    }
    EpochMetrics metrics;
    metrics.test_loss = loss_sum / rows;
    metrics.test_accuracy = static_cast<double>(correct) / rows;
    return metrics;
}

Bytes Trainer::evaluation_record() const {
    Bytes out(std::begin(eval_magic), std::end(eval_magic));
    put_u32(out, static_cast<uint32_t>(eval_chunk_rows));
    put_u32(out, static_cast<uint32_t>(impl_->last_eval.size()));
    for (const auto& [loss, correct] : impl_->last_eval) {
        put_f64(out, loss);
        put_u64(out, static_cast<uint64_t>(correct));
    }
    return out;
}

std::optional<std::vector<std::pair<double, int64_t>>> Trainer::read_evaluation_record(
    std::span<const uint8_t> record) {
    Reader r(record);
    try {
        const auto head = r.take(sizeof eval_magic, "magic");
        if (!std::equal(head.begin(), head.end(), std::begin(eval_magic))) return std::nullopt;
        if (r.uint(4, "chunk rows") != eval_chunk_rows) return std::nullopt;
        const auto n = r.uint(4, "chunks");
        if (n > (record.size() - r.pos()) / 16 || n * 16 != record.size() - r.pos()) return std::nullopt;
        std::vector<std::pair<double, int64_t>> out;
        for (uint64_t i = 0; i < n; ++i) {
            const double loss = r.f64("loss");
            out.emplace_back(loss, static_cast<int64_t>(r.uint(8, "correct")));
        }
        return out;
    } catch (const CheckpointError&) {
        return std::nullopt;
    }
}

Bytes Trainer::checkpoint(const CheckpointInfo& info) const {
    Bytes out(std::begin(magic), std::end(magic));
    const std::string json = info_to_json(info).dump();
    put_u32(out, static_cast<uint32_t>(json.size()));
    out.insert(out.end(), json.begin(), json.end());
    impl_->put_body(out);
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
    m.read_body(r, checkpoint.size());
    m.set_lr(info.plan.lr);
    return info;
}

void Trainer::corrupt_weights(bool with_nan) {
    if (with_nan) {
        impl_->set_nan();
    } else {
        torch::NoGradGuard no_grad;
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
