import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.Arrays;
import org.qrt.Interpreter;
import org.qrt.QrtException;

/** Runs org.qrt.Interpreter on a desktop JVM: the JNI glue without Android. */
public final class JniSmoke {
  public static void main(String[] args) throws Exception {
    byte[] model = Files.readAllBytes(Paths.get(args[0]));
    byte[] input = Files.readAllBytes(Paths.get(args[1]));
    byte[] reference;
    try (Interpreter qrt = new Interpreter(model, 1, "reference")) {
      int size = qrt.inputByteSize(0);
      // The raw tensor bytes are the last `size` bytes of the .npy file.
      qrt.setInput(0, Arrays.copyOfRange(input, input.length - size, input.length));
      qrt.invoke();
      reference = qrt.getOutput(0);
      System.out.println("isa " + qrt.isa() + " input " + Arrays.toString(qrt.inputShape(0)) + " output "
          + Arrays.toString(reference));
    }
    try (Interpreter qrt = new Interpreter(model)) {
      int size = qrt.inputByteSize(0);
      qrt.setInput(0, Arrays.copyOfRange(input, input.length - size, input.length));
      qrt.invoke();
      byte[] best = qrt.getOutput(0);
      System.out.println("isa " + qrt.isa() + " output " + Arrays.toString(best));
      if (!Arrays.equals(best, reference)) throw new AssertionError("best ISA differs from reference");
      try {
        qrt.setInput(0, new byte[size + 1]);
        throw new AssertionError("a wrong input size was accepted");
      } catch (QrtException expected) {
        System.out.println("wrong size refused: " + expected.getMessage());
      }
    }
    try {
      new Interpreter(new byte[] {1, 2, 3});
      throw new AssertionError("a garbage model was accepted");
    } catch (QrtException expected) {
      System.out.println("garbage model refused: " + expected.getMessage());
    }
    try {
      new Interpreter(model, 1, "no-such-isa");
      throw new AssertionError("an unknown ISA was accepted");
    } catch (QrtException expected) {
      System.out.println("unknown ISA refused: " + expected.getMessage());
    }
    System.out.println("JNI smoke test passed");
  }
}
