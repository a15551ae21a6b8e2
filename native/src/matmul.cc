// Batched matrix products (tfjs BatchMatMul and _FusedMatMul) over oneDNN's sgemm, which takes
// the transpose flags directly, so transposed operands (every matMul gradient) cost nothing extra.
#include <dnnl.h>

#include <algorithm>

#include "kernels.h"

namespace native {

// (a, b, out, batchA, batchB, m, k, n, transposeA, transposeB, bias | null, relu)
// One of batchA / batchB may be 1 (broadcast); otherwise they are equal.
Napi::Value MatMul(const Napi::CallbackInfo& info) {
  const float* a = FloatData(info[0]);
  const float* b = FloatData(info[1]);
  float* out = FloatData(info[2]);
  const int64_t batchA = info[3].As<Napi::Number>().Int64Value();
  const int64_t batchB = info[4].As<Napi::Number>().Int64Value();
  const int64_t m = info[5].As<Napi::Number>().Int64Value();
  const int64_t k = info[6].As<Napi::Number>().Int64Value();
  const int64_t n = info[7].As<Napi::Number>().Int64Value();
  const bool transposeA = info[8].As<Napi::Boolean>().Value();
  const bool transposeB = info[9].As<Napi::Boolean>().Value();
  const float* bias = FloatData(info[10]);
  const bool relu = info[11].As<Napi::Boolean>().Value();

  const int64_t batch = std::max(batchA, batchB);
  for (int64_t i = 0; i < batch; i++) {
    const float* ai = a + (batchA == 1 ? 0 : i) * m * k;
    const float* bi = b + (batchB == 1 ? 0 : i) * k * n;
    float* oi = out + i * m * n;
    dnnl_status_t status = dnnl_sgemm(transposeA ? 'T' : 'N', transposeB ? 'T' : 'N', m, n, k, 1.0f,
                                      ai, transposeA ? m : k, bi, transposeB ? k : n, 0.0f, oi, n);
    if (status != dnnl_success) {
      Napi::Error::New(info.Env(), "oneDNN sgemm failed").ThrowAsJavaScriptException();
      return info.Env().Undefined();
    }
  }
  if (bias || relu) {
    const int64_t rows = batch * m;
#pragma omp parallel for if (rows * n > kParallelThreshold)
    for (int64_t r = 0; r < rows; r++) {
      float* row = out + r * n;
      if (bias) for (int64_t j = 0; j < n; j++) row[j] += bias[j];
      if (relu) for (int64_t j = 0; j < n; j++) row[j] = row[j] < 0.0f ? 0.0f : row[j];
    }
  }
  return info.Env().Undefined();
}

}  // namespace native
