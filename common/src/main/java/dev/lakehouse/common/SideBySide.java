package dev.lakehouse.common;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs pieces of work at the same time, a few at once (the Spark jobs they start run side by side
 * in one session), and returns their results in the order given. Every piece ends before this
 * returns, failed or not, so whatever a failure leaves behind is known when it is cleaned up; then
 * the first failure in the order given is thrown, as running them one after another would have.
 */
public final class SideBySide {
  private SideBySide() {}

  /** A piece of work that may throw a checked exception of type E. */
  @FunctionalInterface
  public interface Work<T, E extends Exception> {
    T call() throws E;
  }

  /**
   * The results of {@code work}, at most {@code atOnce} at a time on threads named {@code name-N};
   * on this thread, one after another, when atOnce is 1 or there is one piece.
   */
  @SuppressWarnings("unchecked")
  public static <T, E extends Exception> List<T> all(
      String name, int atOnce, List<? extends Work<T, E>> work) throws E {
    List<T> out = new ArrayList<>();
    if (atOnce <= 1 || work.size() <= 1) {
      for (Work<T, E> w : work) {
        out.add(w.call());
      }
      return out;
    }
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(atOnce, work.size()),
            r -> {
              Thread t = new Thread(r, name + "-" + next.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    try {
      List<Callable<T>> tasks = new ArrayList<>();
      for (Work<T, E> w : work) {
        tasks.add(w::call);
      }
      for (Future<T> f : pool.invokeAll(tasks)) {
        try {
          out.add(f.get());
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException runtime) {
            throw runtime;
          } else if (cause instanceof Error error) {
            throw error;
          }
          // Work throws only E or unchecked exceptions.
          throw (E) cause;
        }
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while " + name + " work was running.", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
