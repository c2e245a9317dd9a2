package dev.lakehouse.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SideBySideTest {
  @Test
  void resultsComeInTheOrderGivenAndThePiecesRunAtTheSameTime() throws Exception {
    // Each of the first two waits for the other to start: one after another they would time out.
    CountDownLatch bothStarted = new CountDownLatch(2);
    List<SideBySide.Work<String, InterruptedException>> work = new ArrayList<>();
    for (String name : List.of("a", "b", "c")) {
      work.add(
          () -> {
            if (!name.equals("c")) {
              bothStarted.countDown();
              if (!bothStarted.await(30, TimeUnit.SECONDS)) {
                return name + " ran alone";
              }
            }
            return name;
          });
    }
    assertThat(SideBySide.all("test", 2, work)).containsExactly("a", "b", "c");
  }

  @Test
  void everyPieceEndsBeforeTheFirstFailureInOrderIsThrownAsItWas() {
    Set<String> finished = ConcurrentHashMap.newKeySet();
    List<SideBySide.Work<String, IOException>> work = new ArrayList<>();
    work.add(
        () -> {
          finished.add("first");
          return "first";
        });
    work.add(
        () -> {
          throw new IOException("second failed");
        });
    work.add(
        () -> {
          throw new IllegalStateException("third failed");
        });
    work.add(
        () -> {
          finished.add("fourth");
          return "fourth";
        });
    assertThatThrownBy(() -> SideBySide.all("test", 3, work))
        .isInstanceOf(IOException.class)
        .hasMessage("second failed");
    assertThat(finished).containsExactlyInAnyOrder("first", "fourth");
  }

  @Test
  void oneAtATimeRunsOnTheCallersThread() throws Exception {
    Thread caller = Thread.currentThread();
    List<SideBySide.Work<Boolean, RuntimeException>> work =
        List.of(() -> Thread.currentThread() == caller, () -> Thread.currentThread() == caller);
    assertThat(SideBySide.all("test", 1, work)).containsExactly(true, true);
  }
}
