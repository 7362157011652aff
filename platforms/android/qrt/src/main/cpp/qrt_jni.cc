// JNI glue for org.qrt.Interpreter over the C API (qrt/qrt.h). Every call
// checks its arguments through the C API; a failing status becomes an
// org.qrt.QrtException carrying qrt_last_error()'s text, never a crash.
#include <jni.h>

#include <cstdint>
#include <string>

#include "qrt/qrt.h"

namespace {

// What a Java Interpreter's handle points to.
struct QrtJniSession {
  qrt_model* model = nullptr;
  qrt_interpreter* interpreter = nullptr;
};

void throw_qrt(JNIEnv* env, const std::string& message) {
  jclass cls = env->FindClass("org/qrt/QrtException");
  if (cls != nullptr) env->ThrowNew(cls, message.c_str());
}

// True when status is QRT_OK; otherwise a pending QrtException.
bool ok(JNIEnv* env, qrt_status status) {
  if (status == QRT_OK) return true;
  throw_qrt(env, std::string(qrt_status_name(status)) + ": " + qrt_last_error());
  return false;
}

QrtJniSession* session(jlong handle) { return reinterpret_cast<QrtJniSession*>(static_cast<intptr_t>(handle)); }

void destroy(QrtJniSession* s) {
  qrt_interpreter_destroy(s->interpreter);
  qrt_model_destroy(s->model);
  delete s;
}

bool tensor_info(JNIEnv* env, jlong handle, jboolean input, jint index, qrt_tensor_info* info) {
  if (index < 0) {
    throw_qrt(env, "QRT_INVALID_ARGUMENT: negative tensor index");
    return false;
  }
  const qrt_interpreter* it = session(handle)->interpreter;
  return ok(env, input ? qrt_interpreter_get_input_info(it, static_cast<size_t>(index), info)
                       : qrt_interpreter_get_output_info(it, static_cast<size_t>(index), info));
}

}  // namespace

extern "C" {

JNIEXPORT jlong JNICALL Java_org_qrt_Interpreter_nativeCreate(JNIEnv* env, jclass, jbyteArray model,
                                                              jint num_threads, jstring isa) {
  const jsize size = env->GetArrayLength(model);
  jbyte* bytes = env->GetByteArrayElements(model, nullptr);
  if (bytes == nullptr) return 0;  // OutOfMemoryError pending
  auto* s = new QrtJniSession;
  // qrt_model_load_buffer copies: the Java array is released right after.
  const qrt_status loaded = qrt_model_load_buffer(bytes, static_cast<size_t>(size), &s->model);
  env->ReleaseByteArrayElements(model, bytes, JNI_ABORT);
  if (!ok(env, loaded)) {
    destroy(s);
    return 0;
  }
  qrt_options* options = nullptr;
  if (!ok(env, qrt_options_create(&options))) {
    destroy(s);
    return 0;
  }
  bool good = true;
  if (num_threads > 0) good = ok(env, qrt_options_set_num_threads(options, num_threads));
  const char* isa_chars = env->GetStringUTFChars(isa, nullptr);
  if (good && isa_chars != nullptr && isa_chars[0] != '\0') good = ok(env, qrt_options_set_isa(options, isa_chars));
  if (isa_chars != nullptr) env->ReleaseStringUTFChars(isa, isa_chars);
  if (good) good = ok(env, qrt_interpreter_create(s->model, options, &s->interpreter));
  qrt_options_destroy(options);
  if (good) good = ok(env, qrt_interpreter_prepare(s->interpreter));
  if (!good) {
    destroy(s);
    return 0;
  }
  return static_cast<jlong>(reinterpret_cast<intptr_t>(s));
}

JNIEXPORT void JNICALL Java_org_qrt_Interpreter_nativeDestroy(JNIEnv*, jclass, jlong handle) {
  destroy(session(handle));
}

JNIEXPORT jint JNICALL Java_org_qrt_Interpreter_nativeCount(JNIEnv* env, jclass, jlong handle, jboolean inputs) {
  size_t count = 0;
  const qrt_interpreter* it = session(handle)->interpreter;
  if (!ok(env, inputs ? qrt_interpreter_get_input_count(it, &count) : qrt_interpreter_get_output_count(it, &count))) {
    return 0;
  }
  return static_cast<jint>(count);
}

JNIEXPORT jintArray JNICALL Java_org_qrt_Interpreter_nativeShape(JNIEnv* env, jclass, jlong handle, jboolean input,
                                                                 jint index) {
  qrt_tensor_info info;
  if (!tensor_info(env, handle, input, index, &info)) return nullptr;
  jintArray dims = env->NewIntArray(info.num_dims);
  if (dims != nullptr) env->SetIntArrayRegion(dims, 0, info.num_dims, reinterpret_cast<const jint*>(info.dims));
  return dims;
}

JNIEXPORT jint JNICALL Java_org_qrt_Interpreter_nativeByteSize(JNIEnv* env, jclass, jlong handle, jboolean input,
                                                               jint index) {
  qrt_tensor_info info;
  if (!tensor_info(env, handle, input, index, &info)) return 0;
  if (info.byte_size > 0x7fffffff) {
    throw_qrt(env, "QRT_UNSUPPORTED: tensor larger than a Java array");
    return 0;
  }
  return static_cast<jint>(info.byte_size);
}

JNIEXPORT jstring JNICALL Java_org_qrt_Interpreter_nativeIsa(JNIEnv* env, jclass, jlong handle) {
  const char* isa = nullptr;
  if (!ok(env, qrt_interpreter_get_isa(session(handle)->interpreter, &isa))) return nullptr;
  return env->NewStringUTF(isa);
}

JNIEXPORT void JNICALL Java_org_qrt_Interpreter_nativeSetInput(JNIEnv* env, jclass, jlong handle, jint index,
                                                               jbyteArray data) {
  if (data == nullptr || index < 0) {
    throw_qrt(env, "QRT_INVALID_ARGUMENT: null data or negative index");
    return;
  }
  const jsize size = env->GetArrayLength(data);
  jbyte* bytes = env->GetByteArrayElements(data, nullptr);
  if (bytes == nullptr) return;
  const qrt_status status =
      qrt_interpreter_set_input(session(handle)->interpreter, static_cast<size_t>(index), bytes, static_cast<size_t>(size));
  env->ReleaseByteArrayElements(data, bytes, JNI_ABORT);
  ok(env, status);
}

JNIEXPORT void JNICALL Java_org_qrt_Interpreter_nativeInvoke(JNIEnv* env, jclass, jlong handle) {
  ok(env, qrt_interpreter_invoke(session(handle)->interpreter));
}

JNIEXPORT jbyteArray JNICALL Java_org_qrt_Interpreter_nativeGetOutput(JNIEnv* env, jclass, jlong handle, jint index) {
  qrt_tensor_info info;
  if (!tensor_info(env, handle, JNI_FALSE, index, &info)) return nullptr;
  if (info.byte_size > 0x7fffffff) {
    throw_qrt(env, "QRT_UNSUPPORTED: tensor larger than a Java array");
    return nullptr;
  }
  jbyteArray out = env->NewByteArray(static_cast<jsize>(info.byte_size));
  if (out == nullptr) return nullptr;
  jbyte* bytes = env->GetByteArrayElements(out, nullptr);
  if (bytes == nullptr) return nullptr;
  const qrt_status status =
      qrt_interpreter_get_output(session(handle)->interpreter, static_cast<size_t>(index), bytes, info.byte_size);
  env->ReleaseByteArrayElements(out, bytes, 0);
  return ok(env, status) ? out : nullptr;
}

}  // extern "C"
