package org.qrt;

/** A qrt call failed; the message is qrt_last_error()'s text, prefixed by the status name. */
public final class QrtException extends RuntimeException {
  public QrtException(String message) {
    super(message);
  }
}
