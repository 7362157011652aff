package org.qrt;

/**
 * A loaded .qfb model and one prepared interpreter over it: the Java face of
 * the C API in runtime/include/qrt/qrt.h (qrt_model_load_buffer,
 * qrt_interpreter_create / prepare / set_input / invoke / get_output).
 *
 * <p>Tensors are passed as raw bytes in the model's external dtype (int8 /
 * uint8 bytes as they are, float32 in native byte order), exactly
 * byteSize(...) bytes: anything else throws QrtException with the C API's
 * message, never crashes. One Interpreter must be used by one thread at a
 * time; close() it (or use try-with-resources) to free the native memory.
 */
public final class Interpreter implements AutoCloseable {
  static {
    System.loadLibrary("qrt_jni");
  }

  private long handle;  // the native QrtJniSession*, 0 once closed

  /**
   * @param model the .qfb file's bytes (copied; the array may be reused)
   * @param numThreads 1 for none; 0 or less for the runtime's default
   * @param isa null or "" for the best kernels of this CPU, or "reference",
   *     "neon", "neondot", "i8mm" to force one (an ISA this CPU lacks throws)
   */
  public Interpreter(byte[] model, int numThreads, String isa) {
    if (model == null) throw new QrtException("QRT_INVALID_ARGUMENT: model is null");
    handle = nativeCreate(model, numThreads, isa == null ? "" : isa);
  }

  public Interpreter(byte[] model) {
    this(model, 1, null);
  }

  public int inputCount() { return nativeCount(checked(), true); }
  public int outputCount() { return nativeCount(checked(), false); }
  /** The tensor's dimensions. */
  public int[] inputShape(int index) { return nativeShape(checked(), true, index); }
  public int[] outputShape(int index) { return nativeShape(checked(), false, index); }
  /** The bytes setInput / getOutput take for this tensor. */
  public int inputByteSize(int index) { return nativeByteSize(checked(), true, index); }
  public int outputByteSize(int index) { return nativeByteSize(checked(), false, index); }
  /** The ISA whose kernels run ("neondot", "reference", ...). */
  public String isa() { return nativeIsa(checked()); }

  public void setInput(int index, byte[] data) { nativeSetInput(checked(), index, data); }
  public void invoke() { nativeInvoke(checked()); }
  public byte[] getOutput(int index) { return nativeGetOutput(checked(), index); }

  @Override
  public void close() {
    if (handle != 0) {
      nativeDestroy(handle);
      handle = 0;
    }
  }

  private long checked() {
    if (handle == 0) throw new QrtException("QRT_INVALID_STATE: the interpreter is closed");
    return handle;
  }

  private static native long nativeCreate(byte[] model, int numThreads, String isa);
  private static native void nativeDestroy(long handle);
  private static native int nativeCount(long handle, boolean inputs);
  private static native int[] nativeShape(long handle, boolean input, int index);
  private static native int nativeByteSize(long handle, boolean input, int index);
  private static native String nativeIsa(long handle);
  private static native void nativeSetInput(long handle, int index, byte[] data);
  private static native void nativeInvoke(long handle);
  private static native byte[] nativeGetOutput(long handle, int index);
}
