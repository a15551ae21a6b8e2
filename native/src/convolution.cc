// 2-D convolutions (forward, input gradient, filter gradient) over oneDNN, in tfjs's layouts:
// activations NHWC, filters HWIO. Activations are handed to oneDNN in place (its AVX-512 kernels
// read NHWC directly); filters go through a reorder into whatever blocked layout the chosen
// implementation prefers (format_tag::any), which is cheap because filters are small. Primitive
// creation costs far more than a small convolution, so every primitive, reorder and memory object
// is cached per geometry and reused with new data pointers. Input gradients of layers with very
// few input channels are a forward convolution of dy with unit strides, else sgemm + col2im
// (see kCol2imMaxInChannels).
#include <dnnl.h>
#include <dnnl.hpp>

#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "kernels.h"

namespace native {
namespace {

using dnnl::memory;
using tag = memory::format_tag;

dnnl::engine& Engine() {
  static dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

dnnl::stream& Stream() {
  static dnnl::stream stream(Engine());
  return stream;
}

// The 15 integers the TypeScript side sends: batch, input height/width/channels, output
// channels, filter height/width, output height/width, strides, and the padding on each side
// (bottom/right already adjusted so that oneDNN's size formula gives the output size).
struct Geometry {
  int64_t batch, inHeight, inWidth, inChannels, outChannels, filterHeight, filterWidth;
  int64_t outHeight, outWidth, strideHeight, strideWidth, padTop, padLeft, padBottom, padRight;

  explicit Geometry(const std::vector<int64_t>& v)
      : batch(v[0]), inHeight(v[1]), inWidth(v[2]), inChannels(v[3]), outChannels(v[4]),
        filterHeight(v[5]), filterWidth(v[6]), outHeight(v[7]), outWidth(v[8]),
        strideHeight(v[9]), strideWidth(v[10]), padTop(v[11]), padLeft(v[12]),
        padBottom(v[13]), padRight(v[14]) {}

  memory::desc Input() const { return {{batch, inChannels, inHeight, inWidth}, memory::data_type::f32, tag::nhwc}; }
  memory::desc Output() const { return {{batch, outChannels, outHeight, outWidth}, memory::data_type::f32, tag::nhwc}; }
  memory::dims FilterDims() const { return {outChannels, inChannels, filterHeight, filterWidth}; }
  memory::desc FilterHwio() const { return {FilterDims(), memory::data_type::f32, tag::hwio}; }
  memory::desc FilterAny() const { return {FilterDims(), memory::data_type::f32, tag::any}; }
  memory::dims Strides() const { return {strideHeight, strideWidth}; }
  memory::dims PadBefore() const { return {padTop, padLeft}; }
  memory::dims PadAfter() const { return {padBottom, padRight}; }

  dnnl::convolution_forward::primitive_desc ForwardDesc(bool withBias, bool relu) const {
    memory::desc bias = withBias ? memory::desc({outChannels}, memory::data_type::f32, tag::x) : memory::desc();
    dnnl::convolution_forward::desc desc(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct,
                                         Input(), FilterAny(), bias, Output(), Strides(), PadBefore(), PadAfter());
    dnnl::primitive_attr attr;
    if (relu) {
      dnnl::post_ops ops;
      ops.append_eltwise(1.0f, dnnl::algorithm::eltwise_relu, 0.0f, 0.0f);
      attr.set_post_ops(ops);
    }
    return {desc, attr, Engine()};
  }
};

std::string Key(const std::vector<int64_t>& geometry, int flags) {
  std::string key = std::to_string(flags);
  for (int64_t v : geometry) key += "," + std::to_string(v);
  return key;
}

// A filter in HWIO seen by oneDNN, plus the reorder into (or out of) the primitive's own layout
// when the two differ.
struct Filter {
  memory user;
  memory internal;
  dnnl::reorder reorder;
  bool needsReorder;

  Filter(const memory::desc& userDesc, const memory::desc& internalDesc, bool intoInternal)
      : user(userDesc, Engine(), nullptr), needsReorder(userDesc != internalDesc) {
    internal = needsReorder ? memory(internalDesc, Engine()) : user;
    if (needsReorder) reorder = intoInternal ? dnnl::reorder(user, internal) : dnnl::reorder(internal, user);
  }

  // For an input filter: points at `data` and converts it for the primitive.
  void Load(float* data) {
    user.set_data_handle(data);
    if (needsReorder) reorder.execute(Stream(), user, internal);
  }

  // For an output filter: call with the destination before the primitive runs (when no reorder is
  // needed the primitive writes there directly), then Store() after it.
  void Bind(float* data) { user.set_data_handle(data); }

  void Store() {
    if (needsReorder) reorder.execute(Stream(), internal, user);
  }
};

struct ForwardPlan {
  dnnl::convolution_forward conv;
  Filter filter;
  memory input, output, bias;

  ForwardPlan(const Geometry& g, bool withBias, bool relu, dnnl::convolution_forward::primitive_desc pd)
      : conv(pd), filter(g.FilterHwio(), pd.weights_desc(), true),
        input(g.Input(), Engine(), nullptr), output(g.Output(), Engine(), nullptr),
        bias(withBias ? memory(pd.bias_desc(), Engine(), nullptr) : memory()) {}
};

struct BackwardDataPlan {
  dnnl::convolution_backward_data conv;
  Filter filter;
  memory inputGrad, outputGrad;

  BackwardDataPlan(const Geometry& g, dnnl::convolution_backward_data::primitive_desc pd)
      : conv(pd), filter(g.FilterHwio(), pd.weights_desc(), true),
        inputGrad(g.Input(), Engine(), nullptr), outputGrad(g.Output(), Engine(), nullptr) {}
};

struct BackwardWeightsPlan {
  dnnl::convolution_backward_weights conv;
  Filter filterGrad;
  memory input, outputGrad;

  BackwardWeightsPlan(const Geometry& g, dnnl::convolution_backward_weights::primitive_desc pd)
      : conv(pd), filterGrad(g.FilterHwio(), pd.diff_weights_desc(), false),
        input(g.Input(), Engine(), nullptr), outputGrad(g.Output(), Engine(), nullptr) {}
};

template <typename Plan>
using Cache = std::map<std::string, std::unique_ptr<Plan>>;

ForwardPlan& ForwardFor(const std::vector<int64_t>& geometry, bool withBias, bool relu) {
  static Cache<ForwardPlan> cache;
  auto& plan = cache[Key(geometry, withBias * 2 + relu)];
  if (!plan) {
    Geometry g(geometry);
    plan = std::make_unique<ForwardPlan>(g, withBias, relu, g.ForwardDesc(withBias, relu));
  }
  return *plan;
}

BackwardDataPlan& BackwardDataFor(const std::vector<int64_t>& geometry) {
  static Cache<BackwardDataPlan> cache;
  auto& plan = cache[Key(geometry, 0)];
  if (!plan) {
    Geometry g(geometry);
    dnnl::convolution_backward_data::desc desc(dnnl::algorithm::convolution_direct, g.Input(), g.FilterAny(),
                                               g.Output(), g.Strides(), g.PadBefore(), g.PadAfter());
    dnnl::convolution_backward_data::primitive_desc pd(desc, Engine(), g.ForwardDesc(false, false));
    plan = std::make_unique<BackwardDataPlan>(g, pd);
  }
  return *plan;
}

BackwardWeightsPlan& BackwardWeightsFor(const std::vector<int64_t>& geometry) {
  static Cache<BackwardWeightsPlan> cache;
  auto& plan = cache[Key(geometry, 0)];
  if (!plan) {
    Geometry g(geometry);
    dnnl::convolution_backward_weights::desc desc(dnnl::algorithm::convolution_direct, g.Input(), g.FilterAny(),
                                                  g.Output(), g.Strides(), g.PadBefore(), g.PadAfter());
    dnnl::convolution_backward_weights::primitive_desc pd(desc, Engine(), g.ForwardDesc(false, false));
    plan = std::make_unique<BackwardWeightsPlan>(g, pd);
  }
  return *plan;
}

// oneDNN reports failures as C++ exceptions; they become JavaScript errors here.
template <typename Body>
Napi::Value Guarded(const Napi::CallbackInfo& info, Body body) {
  try {
    body();
  } catch (const dnnl::error& e) {
    Napi::Error::New(info.Env(), std::string("oneDNN: ") + e.what()).ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

}  // namespace

// (geometry, x, filter, bias | null, relu, y)
Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  return Guarded(info, [&] {
    float* bias = FloatData(info[3]);
    ForwardPlan& plan = ForwardFor(IntList(info[0]), bias != nullptr, info[4].As<Napi::Boolean>().Value());
    plan.input.set_data_handle(FloatData(info[1]));
    plan.filter.Load(FloatData(info[2]));
    plan.output.set_data_handle(FloatData(info[5]));
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, plan.input}, {DNNL_ARG_WEIGHTS, plan.filter.internal}, {DNNL_ARG_DST, plan.output}};
    if (bias) {
      plan.bias.set_data_handle(bias);
      args[DNNL_ARG_BIAS] = plan.bias;
    }
    plan.conv.execute(Stream(), args);
    Stream().wait();
  });
}

// oneDNN's input gradient is slow when the input has very few channels (the decoder's output
// layer, a transposed conv to 1 channel: ~7 GFLOP/s). There the gradient is computed as one
// sgemm, patches = dy x filter^T ([N*OH*OW, OC] x [OC, KH*KW*IC]), whose output is small because
// IC is, then each patch is added into dx at its window's position (col2im): ~10x faster.
constexpr int64_t kCol2imMaxInChannels = 4;

void BackwardDataByCol2im(const Geometry& g, const float* dy, const float* filter, float* dx) {
  const int64_t patch = g.filterHeight * g.filterWidth * g.inChannels;
  const int64_t positions = g.batch * g.outHeight * g.outWidth;
  // Reused across calls (kernels run on the JavaScript thread only, one at a time).
  static std::vector<float> patches;
  patches.resize(positions * patch);
  if (dnnl_sgemm('N', 'T', positions, patch, g.outChannels, 1.0f, dy, g.outChannels, filter, g.outChannels, 0.0f,
                 patches.data(), patch) != dnnl_success) {
    throw dnnl::error(dnnl_runtime_error, "sgemm failed");
  }
  const float* allPatches = patches.data();
  // Images write disjoint parts of dx, so they can go to different threads.
  ParallelFor(g.batch, positions * patch, [&](int64_t firstImage, int64_t endImage) {
    for (int64_t n = firstImage; n < endImage; n++) {
      float* image = dx + n * g.inHeight * g.inWidth * g.inChannels;
      for (int64_t oh = 0; oh < g.outHeight; oh++) {
        for (int64_t ow = 0; ow < g.outWidth; ow++) {
          const float* p = allPatches + ((n * g.outHeight + oh) * g.outWidth + ow) * patch;
          for (int64_t kh = 0; kh < g.filterHeight; kh++) {
            const int64_t ih = oh * g.strideHeight + kh - g.padTop;
            if (ih < 0 || ih >= g.inHeight) continue;
            for (int64_t kw = 0; kw < g.filterWidth; kw++) {
              const int64_t iw = ow * g.strideWidth + kw - g.padLeft;
              if (iw < 0 || iw >= g.inWidth) continue;
              float* pixel = image + (ih * g.inWidth + iw) * g.inChannels;
              const float* taps = p + (kh * g.filterWidth + kw) * g.inChannels;
              for (int64_t c = 0; c < g.inChannels; c++) pixel[c] += taps[c];
            }
          }
        }
      }
    }
  });
}

// With unit strides the input gradient is itself a convolution: of dy, padded by k - 1 - pad on
// each side, with the filter rotated by 180 degrees and its channel axes swapped. oneDNN's
// forward kernels are much faster than both its backward-data kernels and col2im for few input
// channels (a [160, 48, 32, 2] map, 5x5: 3 ms against 18 by col2im), so those layers go this way.
bool BackwardDataByForward(const Geometry& g, float* dy, const float* filter, float* dx) {
  const int64_t kh = g.filterHeight, kw = g.filterWidth;
  if (g.strideHeight != 1 || g.strideWidth != 1 || g.padTop >= kh || g.padLeft >= kw || g.padBottom >= kh ||
      g.padRight >= kw) {
    return false;
  }
  const std::vector<int64_t> transposed = {g.batch, g.outHeight, g.outWidth, g.outChannels, g.inChannels, kh, kw,
                                           g.inHeight, g.inWidth, 1, 1, kh - 1 - g.padTop, kw - 1 - g.padLeft,
                                           kh - 1 - g.padBottom, kw - 1 - g.padRight};
  // Reused across calls (kernels run on the JavaScript thread only, one at a time).
  static std::vector<float> rotated;
  rotated.resize(kh * kw * g.inChannels * g.outChannels);
  for (int64_t h = 0; h < kh; h++) {
    for (int64_t w = 0; w < kw; w++) {
      const float* source = filter + ((kh - 1 - h) * kw + (kw - 1 - w)) * g.inChannels * g.outChannels;
      float* target = rotated.data() + (h * kw + w) * g.outChannels * g.inChannels;
      for (int64_t i = 0; i < g.inChannels; i++) {
        for (int64_t o = 0; o < g.outChannels; o++) target[o * g.inChannels + i] = source[i * g.outChannels + o];
      }
    }
  }
  ForwardPlan& plan = ForwardFor(transposed, false, false);
  plan.input.set_data_handle(dy);
  plan.filter.Load(rotated.data());
  plan.output.set_data_handle(dx);
  plan.conv.execute(Stream(), {{DNNL_ARG_SRC, plan.input}, {DNNL_ARG_WEIGHTS, plan.filter.internal}, {DNNL_ARG_DST, plan.output}});
  Stream().wait();
  return true;
}

// (geometry, dy, filter, dx); dx arrives zeroed.
Napi::Value ConvBackwardData(const Napi::CallbackInfo& info) {
  return Guarded(info, [&] {
    const std::vector<int64_t> geometry = IntList(info[0]);
    Geometry g(geometry);
    if (g.inChannels <= kCol2imMaxInChannels && BackwardDataByForward(g, FloatData(info[1]), FloatData(info[2]), FloatData(info[3]))) {
      return;
    }
    if (g.inChannels <= kCol2imMaxInChannels) {
      BackwardDataByCol2im(g, FloatData(info[1]), FloatData(info[2]), FloatData(info[3]));
      return;
    }
    BackwardDataPlan& plan = BackwardDataFor(geometry);
    plan.outputGrad.set_data_handle(FloatData(info[1]));
    plan.filter.Load(FloatData(info[2]));
    plan.inputGrad.set_data_handle(FloatData(info[3]));
    plan.conv.execute(Stream(), {{DNNL_ARG_DIFF_DST, plan.outputGrad},
                                 {DNNL_ARG_WEIGHTS, plan.filter.internal},
                                 {DNNL_ARG_DIFF_SRC, plan.inputGrad}});
    Stream().wait();
  });
}

// (geometry, x, dy, dFilter)
Napi::Value ConvBackwardWeights(const Napi::CallbackInfo& info) {
  return Guarded(info, [&] {
    BackwardWeightsPlan& plan = BackwardWeightsFor(IntList(info[0]));
    plan.input.set_data_handle(FloatData(info[1]));
    plan.outputGrad.set_data_handle(FloatData(info[2]));
    plan.filterGrad.Bind(FloatData(info[3]));
    plan.conv.execute(Stream(), {{DNNL_ARG_SRC, plan.input},
                                 {DNNL_ARG_DIFF_DST, plan.outputGrad},
                                 {DNNL_ARG_DIFF_WEIGHTS, plan.filterGrad.internal}});
    plan.filterGrad.Store();
    Stream().wait();
  });
}

}  // namespace native
