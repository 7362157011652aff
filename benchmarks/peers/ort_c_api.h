// The few ONNX Runtime C API entry points ort_bench uses, written out by hand:
// the onnxruntime-node npm package ships libonnxruntime.so.1 but no headers,
// and the project takes no dependency on an ORT source tree.
//
// OrtGetApiBase()->GetApi(version) returns `const OrtApi*`, a struct of
// function pointers. The struct is append-only: the entries of API version 1
// never move, so an entry is found by its index in the struct. The indices
// below are those of the version-1 block of the public
// include/onnxruntime/core/session/onnxruntime_c_api.h (counted from its
// declaration order: CreateStatus is 0, GetErrorCode 1, ...), which every
// later version keeps as its prefix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace qrt_peers {

// Opaque ORT handles.
struct OrtStatus;
struct OrtEnv;
struct OrtSession;
struct OrtSessionOptions;
struct OrtValue;
struct OrtMemoryInfo;
struct OrtTypeInfo;
struct OrtTensorTypeAndShapeInfo;
struct OrtAllocator;
struct OrtRunOptions;

// ONNX TensorProto element types (the values of ONNXTensorElementDataType).
enum OrtElementType : int {
  kOrtFloat = 1, kOrtUint8 = 2, kOrtInt8 = 3, kOrtUint16 = 4, kOrtInt16 = 5,
  kOrtInt32 = 6, kOrtInt64 = 7, kOrtBool = 9, kOrtDouble = 11,
};

constexpr int kOrtLoggingLevelWarning = 2;
constexpr int kOrtSequentialExecution = 0;
constexpr int kOrtEnableAllOptimizations = 99;
constexpr int kOrtArenaAllocator = 1;
constexpr int kOrtMemTypeDefault = 0;

struct OrtApiBase {
  const void* (*GetApi)(uint32_t version);
  const char* (*GetVersionString)();
};
using OrtGetApiBaseFunction = const OrtApiBase* (*)();

// Typed pointers to the entries ort_bench calls, read from the table by index.
struct OrtApiEntries {
  const char* (*GetErrorMessage)(const OrtStatus*);
  OrtStatus* (*CreateEnv)(int logging_level, const char* log_id, OrtEnv** out);
  OrtStatus* (*CreateSession)(const OrtEnv*, const char* model_path, const OrtSessionOptions*, OrtSession** out);
  OrtStatus* (*Run)(OrtSession*, const OrtRunOptions*, const char* const* input_names,
                    const OrtValue* const* inputs, size_t input_count, const char* const* output_names,
                    size_t output_count, OrtValue** outputs);
  OrtStatus* (*CreateSessionOptions)(OrtSessionOptions** out);
  OrtStatus* (*SetSessionExecutionMode)(OrtSessionOptions*, int mode);
  OrtStatus* (*SetSessionGraphOptimizationLevel)(OrtSessionOptions*, int level);
  OrtStatus* (*SetIntraOpNumThreads)(OrtSessionOptions*, int threads);
  OrtStatus* (*SetInterOpNumThreads)(OrtSessionOptions*, int threads);
  OrtStatus* (*SessionGetInputCount)(const OrtSession*, size_t* out);
  OrtStatus* (*SessionGetOutputCount)(const OrtSession*, size_t* out);
  OrtStatus* (*SessionGetInputTypeInfo)(const OrtSession*, size_t index, OrtTypeInfo** out);
  OrtStatus* (*SessionGetInputName)(const OrtSession*, size_t index, OrtAllocator*, char** out);
  OrtStatus* (*SessionGetOutputName)(const OrtSession*, size_t index, OrtAllocator*, char** out);
  OrtStatus* (*CreateTensorWithDataAsOrtValue)(const OrtMemoryInfo*, void* data, size_t byte_size,
                                               const int64_t* shape, size_t rank, int element_type,
                                               OrtValue** out);
  OrtStatus* (*CastTypeInfoToTensorInfo)(const OrtTypeInfo*, const OrtTensorTypeAndShapeInfo** out);
  OrtStatus* (*GetTensorElementType)(const OrtTensorTypeAndShapeInfo*, int* out);
  OrtStatus* (*GetDimensionsCount)(const OrtTensorTypeAndShapeInfo*, size_t* out);
  OrtStatus* (*GetDimensions)(const OrtTensorTypeAndShapeInfo*, int64_t* dims, size_t rank);
  OrtStatus* (*CreateCpuMemoryInfo)(int allocator_type, int mem_type, OrtMemoryInfo** out);
  OrtStatus* (*AllocatorFree)(OrtAllocator*, void* p);
  OrtStatus* (*GetAllocatorWithDefaultOptions)(OrtAllocator** out);
  void (*ReleaseEnv)(OrtEnv*);
  void (*ReleaseStatus)(OrtStatus*);
  void (*ReleaseMemoryInfo)(OrtMemoryInfo*);
  void (*ReleaseSession)(OrtSession*);
  void (*ReleaseValue)(OrtValue*);
  void (*ReleaseTypeInfo)(OrtTypeInfo*);
  void (*ReleaseSessionOptions)(OrtSessionOptions*);
};

// Index of each entry in struct OrtApi (version-1 block).
namespace ort_index {
constexpr int kGetErrorMessage = 2;
constexpr int kCreateEnv = 3;
constexpr int kCreateSession = 7;
constexpr int kRun = 9;
constexpr int kCreateSessionOptions = 10;
constexpr int kSetSessionExecutionMode = 13;
constexpr int kSetSessionGraphOptimizationLevel = 23;
constexpr int kSetIntraOpNumThreads = 24;
constexpr int kSetInterOpNumThreads = 25;
constexpr int kSessionGetInputCount = 30;
constexpr int kSessionGetOutputCount = 31;
constexpr int kSessionGetInputTypeInfo = 33;
constexpr int kSessionGetInputName = 36;
constexpr int kSessionGetOutputName = 37;
constexpr int kCreateTensorWithDataAsOrtValue = 49;
constexpr int kCastTypeInfoToTensorInfo = 55;
constexpr int kGetTensorElementType = 60;
constexpr int kGetDimensionsCount = 61;
constexpr int kGetDimensions = 62;
constexpr int kCreateCpuMemoryInfo = 69;
constexpr int kAllocatorFree = 76;
constexpr int kGetAllocatorWithDefaultOptions = 78;
constexpr int kReleaseEnv = 92;
constexpr int kReleaseStatus = 93;
constexpr int kReleaseMemoryInfo = 94;
constexpr int kReleaseSession = 95;
constexpr int kReleaseValue = 96;
constexpr int kReleaseTypeInfo = 98;
constexpr int kReleaseSessionOptions = 100;
}  // namespace ort_index

// Reads every entry of `api` (the pointer GetApi returned) into `entries`.
inline void load_ort_api_entries(const void* api, OrtApiEntries* entries) {
  // The table is an array of function pointers; each is converted to its
  // entry's type (all function pointers share one representation on the
  // platforms ORT ships for).
  using AnyFunction = void (*)();
  const AnyFunction* table = static_cast<const AnyFunction*>(api);
  namespace i = ort_index;
  auto at = [table](int index, auto* field) {
    *field = reinterpret_cast<std::remove_pointer_t<decltype(field)>>(table[index]);
  };
  at(i::kGetErrorMessage, &entries->GetErrorMessage);
  at(i::kCreateEnv, &entries->CreateEnv);
  at(i::kCreateSession, &entries->CreateSession);
  at(i::kRun, &entries->Run);
  at(i::kCreateSessionOptions, &entries->CreateSessionOptions);
  at(i::kSetSessionExecutionMode, &entries->SetSessionExecutionMode);
  at(i::kSetSessionGraphOptimizationLevel, &entries->SetSessionGraphOptimizationLevel);
  at(i::kSetIntraOpNumThreads, &entries->SetIntraOpNumThreads);
  at(i::kSetInterOpNumThreads, &entries->SetInterOpNumThreads);
  at(i::kSessionGetInputCount, &entries->SessionGetInputCount);
  at(i::kSessionGetOutputCount, &entries->SessionGetOutputCount);
  at(i::kSessionGetInputTypeInfo, &entries->SessionGetInputTypeInfo);
  at(i::kSessionGetInputName, &entries->SessionGetInputName);
  at(i::kSessionGetOutputName, &entries->SessionGetOutputName);
  at(i::kCreateTensorWithDataAsOrtValue, &entries->CreateTensorWithDataAsOrtValue);
  at(i::kCastTypeInfoToTensorInfo, &entries->CastTypeInfoToTensorInfo);
  at(i::kGetTensorElementType, &entries->GetTensorElementType);
  at(i::kGetDimensionsCount, &entries->GetDimensionsCount);
  at(i::kGetDimensions, &entries->GetDimensions);
  at(i::kCreateCpuMemoryInfo, &entries->CreateCpuMemoryInfo);
  at(i::kAllocatorFree, &entries->AllocatorFree);
  at(i::kGetAllocatorWithDefaultOptions, &entries->GetAllocatorWithDefaultOptions);
  at(i::kReleaseEnv, &entries->ReleaseEnv);
  at(i::kReleaseStatus, &entries->ReleaseStatus);
  at(i::kReleaseMemoryInfo, &entries->ReleaseMemoryInfo);
  at(i::kReleaseSession, &entries->ReleaseSession);
  at(i::kReleaseValue, &entries->ReleaseValue);
  at(i::kReleaseTypeInfo, &entries->ReleaseTypeInfo);
  at(i::kReleaseSessionOptions, &entries->ReleaseSessionOptions);
}

}  // namespace qrt_peers
