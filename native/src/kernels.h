// The addon's exported functions (one per kernel family) and the helpers they share.
#pragma once

#include <napi.h>
#include <omp.h>

#include <algorithm>

#include <cstdint>
#include <vector>

namespace native {

Napi::Value ConvForward(const Napi::CallbackInfo& info);
Napi::Value ConvBackwardData(const Napi::CallbackInfo& info);
Napi::Value ConvBackwardWeights(const Napi::CallbackInfo& info);
Napi::Value MatMul(const Napi::CallbackInfo& info);
Napi::Value Unary(const Napi::CallbackInfo& info);
Napi::Value Binary(const Napi::CallbackInfo& info);
Napi::Value ReduceSum(const Napi::CallbackInfo& info);
Napi::Value GeluForward(const Napi::CallbackInfo& info);
Napi::Value GeluBackward(const Napi::CallbackInfo& info);
Napi::Value BatchNormForward(const Napi::CallbackInfo& info);
Napi::Value BatchNormBackward(const Napi::CallbackInfo& info);
Napi::Value LayerNormForward(const Napi::CallbackInfo& info);
Napi::Value LayerNormBackward(const Napi::CallbackInfo& info);

// Arguments are validated by the TypeScript side (src/backends/native.ts); these only unwrap.
inline float* FloatData(const Napi::Value& value) {
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  return value.As<Napi::Float32Array>().Data();
}

inline int64_t Length(const Napi::Value& value) {
  return static_cast<int64_t>(value.As<Napi::Float32Array>().ElementLength());
}

inline std::vector<int64_t> IntList(const Napi::Value& value) {
  Napi::Int32Array array = value.As<Napi::Int32Array>();
  return std::vector<int64_t>(array.Data(), array.Data() + array.ElementLength());
}

// Below this many elements, elementwise work stays on the calling thread: waking OpenMP's
// (passively waiting) workers costs more than it saves. Measured on 2 vCPUs: splitting the
// benchmark model's loops (up to 2M elements, memory-bound) made a 2-thread training step ~14%
// slower than keeping them on one thread while oneDNN's convolutions use both.
constexpr int64_t kParallelThreshold = int64_t{1} << 22;

// Runs body(begin, end) over [0, n) in one contiguous chunk per OpenMP thread (on the calling
// thread alone when `work` is small). The body is an ordinary loop outside the OpenMP region, so
// the compiler inlines and vectorises it as it would any loop.
template <typename Body>
void ParallelFor(int64_t n, int64_t work, Body body) {
  if (work <= kParallelThreshold || omp_get_max_threads() == 1) {
    body(int64_t{0}, n);
    return;
  }
#pragma omp parallel
  {
    const int64_t threads = omp_get_num_threads();
    const int64_t chunk = (n + threads - 1) / threads;
    const int64_t begin = std::min(n, chunk * omp_get_thread_num());
    body(begin, std::min(n, begin + chunk));
  }
}

}  // namespace native
