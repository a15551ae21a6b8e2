// Entry point of disentangle_native.node, the kernels of the 'native' tfjs backend
// (src/backends/native.ts); written by hand because tfjs has no oneDNN binding. Registers the
// kernel functions and the thread control.
// Debian's libdnnl is built with the OpenMP runtime (it links libgomp), so oneDNN, dnnl_sgemm
// and our own elementwise loops all share OpenMP's thread count, set here.
#include <omp.h>

#include <cstdlib>  // defines __GLIBC__ on glibc systems
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "kernels.h"

namespace {

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  omp_set_num_threads(info[0].As<Napi::Number>().Int32Value());
  return info.Env().Undefined();
}

Napi::Value GetThreads(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), omp_get_max_threads());
}

// Training allocates and frees tensors of up to tens of MB at a high rate. By default glibc serves
// each such block with a fresh mmap() and returns freed heap to the system, so every new tensor
// page-faults its memory in again: elementwise kernels ran 4-5x slower (an 8 MB ReLU: ~4 ms
// instead of ~0.8), a batch-256 forward pass 2x. Serving all blocks from the heap (mmap off) and
// not trimming it reuses warm memory instead; the process keeps its peak heap, as a tensor-heavy
// process would anyway. (glibc caps M_MMAP_THRESHOLD at 32 MB, hence M_MMAP_MAX = 0.)
void KeepTensorMemoryInHeap() {
#ifdef __GLIBC__
  mallopt(M_MMAP_MAX, 0);
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  KeepTensorMemoryInHeap();
  exports.Set("setThreads", Napi::Function::New(env, SetThreads));
  exports.Set("getThreads", Napi::Function::New(env, GetThreads));
  exports.Set("convForward", Napi::Function::New(env, native::ConvForward));
  exports.Set("convBackwardData", Napi::Function::New(env, native::ConvBackwardData));
  exports.Set("convBackwardWeights", Napi::Function::New(env, native::ConvBackwardWeights));
  exports.Set("matMul", Napi::Function::New(env, native::MatMul));
  exports.Set("unary", Napi::Function::New(env, native::Unary));
  exports.Set("binary", Napi::Function::New(env, native::Binary));
  exports.Set("reduceSum", Napi::Function::New(env, native::ReduceSum));
  exports.Set("geluForward", Napi::Function::New(env, native::GeluForward));
  exports.Set("geluBackward", Napi::Function::New(env, native::GeluBackward));
  exports.Set("batchNormForward", Napi::Function::New(env, native::BatchNormForward));
  exports.Set("batchNormBackward", Napi::Function::New(env, native::BatchNormBackward));
  exports.Set("layerNormForward", Napi::Function::New(env, native::LayerNormForward));
  exports.Set("layerNormBackward", Napi::Function::New(env, native::LayerNormBackward));
  return exports;
}

}  // namespace

NODE_API_MODULE(disentangle_native, Init)
