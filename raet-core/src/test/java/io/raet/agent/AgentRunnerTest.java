package io.raet.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongToIntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The owner loop of every driver: duty cycles, waits, commands, and what happens when a cycle, a command or the VM
 * fails.
 */
@Timeout(30)
class AgentRunnerTest {
    private final List<AgentRunner> runners = new ArrayList<>();

    @AfterEach
    void closeAll() {
        runners.forEach(AgentRunner::close);
    }

    /** An agent whose cycles do what {@code work} says, recording what the runner told it. */
    static final class TestAgent implements Agent {
        final LongToIntFunction work;
        volatile long wakeup = Deadlines.NONE;
        final List<Long> cycles = Collections.synchronizedList(new ArrayList<>());
        final CompletableFuture<Throwable> closedWith = new CompletableFuture<>();
        volatile boolean started;

        TestAgent(LongToIntFunction work) {
            this.work = work;
        }

        @Override
        public String roleName() {
            return "test-agent";
        }

        @Override
        public void onStart() {
            started = true;
        }

        @Override
        public int doWork(long now) {
            cycles.add(now);
            return work.applyAsInt(now);
        }

        @Override
        public long nextWakeup() {
            return wakeup;
        }

        @Override
        public void onClose(Throwable cause) {
            closedWith.complete(cause);
        }
    }

    /** Records each wait's deadline and waits for a wake-up (or a short while, as a real strategy would not). */
    static class RecordingIdle implements IdleStrategy {
        final List<Long> deadlines = Collections.synchronizedList(new ArrayList<>());
        final ParkingIdleStrategy parking = new ParkingIdleStrategy(TimeUnit.MILLISECONDS.toNanos(20));

        @Override
        public void idle(long now, long deadline) {
            deadlines.add(deadline);
            parking.idle(now, deadline);
        }

        @Override
        public void wake(Thread owner) {
            parking.wake(owner);
        }
    }

    /** Holds the duty cycle that first passes it until released. */
    static final class Gate {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        void pass() {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    AgentRunner start(Agent agent, IdleStrategy idle, int capacity) {
        AgentRunner r = new AgentRunner(agent, idle, capacity);
        runners.add(r);
        return r.start(Thread.ofVirtual());
    }

    static void await(CountDownLatch latch) throws InterruptedException {
        assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void cyclesRunWhileThereIsWorkThenTheRunnerWaitsUntilTheAgentsNextWakeup() throws Exception {
        AtomicInteger left = new AtomicInteger(5);
        CountDownLatch idled = new CountDownLatch(1);
        TestAgent agent = new TestAgent(now -> left.getAndUpdate(n -> Math.max(0, n - 1)));
        RecordingIdle idle = new RecordingIdle() {
            @Override
            public void idle(long now, long deadline) {
                super.idle(now, deadline);
                idled.countDown();
            }
        };
        long wakeAt = System.nanoTime() + TimeUnit.HOURS.toNanos(1);
        agent.wakeup = wakeAt;
        start(agent, idle, 8);
        await(idled);
        assertThat(agent.started).isTrue();
        // five cycles with work, a sixth without: only then the wait, until the agent's next wakeup
        assertThat(agent.cycles.size()).isGreaterThanOrEqualTo(6);
        assertThat(idle.deadlines.getFirst()).isEqualTo(wakeAt);
        assertThat(left.get()).isZero();
    }

    @Test
    void theAgentGetsTheRunnersClock() throws Exception {
        AtomicLong clock = new AtomicLong(1_000);
        CountDownLatch cycled = new CountDownLatch(3);
        TestAgent agent = new TestAgent(now -> {
            cycled.countDown();
            return 0;
        });
        AgentRunner r = new AgentRunner(agent, new RecordingIdle(), 8, () -> clock.getAndAdd(10));
        runners.add(r);
        r.start(Thread.ofVirtual());
        await(cycled);
        // every reading of the clock is 10 later than the one before: the cycles saw readings, not the real time
        assertThat(agent.cycles.subList(0, 3)).allSatisfy(t -> assertThat((t - 1_000) % 10).isZero());
        assertThat(agent.cycles.get(1)).isGreaterThan(agent.cycles.get(0));
        assertThat(r.call(now -> now).get(10, TimeUnit.SECONDS) % 10).isZero();
    }

    @Test
    void aCommandWakesARunnerWaitingWithoutDeadline() throws Exception {
        TestAgent agent = new TestAgent(now -> 0);
        // parked for up to an hour: only the command's wake-up can end the wait in time
        ParkingIdleStrategy parking = new ParkingIdleStrategy(TimeUnit.HOURS.toNanos(1));
        CountDownLatch waiting = new CountDownLatch(1);
        AgentRunner r = start(agent, new IdleStrategy() {
            @Override
            public void idle(long now, long deadline) {
                waiting.countDown();
                parking.idle(now, deadline);
            }

            @Override
            public void wake(Thread owner) {
                parking.wake(owner);
            }
        }, 8);
        await(waiting);
        assertThat(r.call(now -> "ran").get(10, TimeUnit.SECONDS)).isEqualTo("ran");
        assertThat(r.onOwnerThread()).isFalse();
    }

    @Test
    void commandsRunInOrderOnTheOwnerThread() throws Exception {
        AgentRunner r = start(new TestAgent(now -> 0), new RecordingIdle(), 64);
        List<Integer> order = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Boolean>> onOwner = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            onOwner.add(r.call(now -> {
                order.add(n);
                return r.onOwnerThread();
            }));
        }
        for (CompletableFuture<Boolean> f : onOwner) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(order).isSorted().hasSize(20);
    }

    @Test
    void anExceptionFromACycleIsCountedAndTheLoopGoesOn() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch goneOn = new CountDownLatch(1);
        TestAgent agent = new TestAgent(now -> {
            int n = calls.incrementAndGet();
            if (n <= 2) {
                throw new IllegalStateException("defect " + n);
            }
            if (n == 3) {
                throw new AssertionError("an Error that is not the VM's");
            }
            goneOn.countDown();
            return 0;
        });
        AgentRunner r = start(agent, new RecordingIdle(), 8);
        await(goneOn);
        assertThat(r.counters().get(AgentCounter.WORK_ERROR)).isEqualTo(3);
        assertThat(r.failure()).isNull();
        assertThat(r.isClosed()).isFalse();
        assertThat(r.call(now -> 1).get(10, TimeUnit.SECONDS)).isEqualTo(1);
    }

    @Test
    void aFailedCommandIsCountedRejectedWithItsExceptionAndTheNextRuns() throws Exception {
        AgentRunner r = start(new TestAgent(now -> 0), new RecordingIdle(), 8);
        CompletableFuture<Object> failed = r.call(now -> {
            throw new IllegalArgumentException("bad command");
        });
        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(IllegalArgumentException.class);
        assertThat(r.call(now -> "next").get(10, TimeUnit.SECONDS)).isEqualTo("next");
        assertThat(r.counters().get(AgentCounter.COMMAND_ERROR)).isEqualTo(1);
        assertThat(r.counters().snapshot()).containsEntry("command_error", 1L);
    }

    @Test
    void aVirtualMachineErrorClosesTheAgentLoudlyAndFailsWhatWaits() throws Exception {
        Gate gate = new Gate();
        TestAgent agent = new TestAgent(now -> {
            gate.pass();
            throw new OutOfMemoryError("injected");
        });
        AgentRunner r = start(agent, new RecordingIdle(), 8);
        await(gate.entered);
        // queued while the cycle runs: never run, failed when the agent closes
        CompletableFuture<String> waiting = r.call(now -> "never");
        gate.release.countDown();
        assertThat(agent.closedWith.get(10, TimeUnit.SECONDS)).isInstanceOf(OutOfMemoryError.class);
        r.terminated().get(10, TimeUnit.SECONDS);
        assertThat(r.failure()).isInstanceOf(OutOfMemoryError.class).hasMessage("injected");
        assertThat(r.isClosed()).isTrue();
        assertThatThrownBy(() -> waiting.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AgentClosedException.class)
                .hasRootCauseInstanceOf(OutOfMemoryError.class);
        // afterwards nothing is taken
        assertThat(r.submit(now -> { })).isFalse();
        assertThatThrownBy(() -> r.call(now -> 1).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(AgentClosedException.class);
    }

    @Test
    void aFullCommandQueueRefusesAndCounts() throws Exception {
        Gate gate = new Gate();
        TestAgent agent = new TestAgent(now -> {
            gate.pass();
            return 0;
        });
        AgentRunner r = start(agent, new RecordingIdle(), 2);
        await(gate.entered);
        AtomicInteger ran = new AtomicInteger();
        assertThat(r.submit(now -> ran.incrementAndGet())).isTrue();
        assertThat(r.submit(now -> ran.incrementAndGet())).isTrue();
        assertThat(r.submit(now -> ran.incrementAndGet())).isFalse();
        assertThatThrownBy(() -> r.call(now -> 1).get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(RejectedExecutionException.class);
        assertThat(r.queuedCommands()).isEqualTo(2);
        assertThat(r.counters().get(AgentCounter.COMMAND_QUEUE_FULL)).isEqualTo(2);
        gate.release.countDown();
        // the queue has room again once the released cycle took the two commands
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (r.queuedCommands() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(r.call(now -> ran.get()).get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(r.isClosed()).isFalse();
    }

    @Test
    void closeRejectsQueuedCommandsAndTellsTheAgentWithoutACause() throws Exception {
        Gate gate = new Gate();
        TestAgent agent = new TestAgent(now -> {
            gate.pass();
            return 0;
        });
        AgentRunner r = start(agent, new RecordingIdle(), 8);
        await(gate.entered);
        AtomicReference<Throwable> rejected = new AtomicReference<>();
        assertThat(r.submit(new Command() {
            @Override
            public void run(long now) {
                throw new AssertionError("ran after close");
            }

            @Override
            public void reject(Throwable cause) {
                rejected.set(cause);
            }
        })).isTrue();
        Thread closer = Thread.ofVirtual().start(r::close);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!r.isClosed() && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        gate.release.countDown();
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(agent.closedWith.getNow(new Throwable("not closed"))).isNull();
        assertThat(rejected.get()).isInstanceOf(AgentClosedException.class).hasNoCause();
        assertThat(r.failure()).isNull();
    }

    @Test
    void closeOnTheOwnerThreadEndsTheLoopAfterTheCycle() throws Exception {
        AgentRunner r = start(new TestAgent(now -> 0), new RecordingIdle(), 8);
        TestAgent agent = (TestAgent) r.agent();
        r.call(now -> {
            r.close();
            return null;
        }).get(10, TimeUnit.SECONDS);
        r.terminated().get(10, TimeUnit.SECONDS);
        assertThat(agent.closedWith).isCompletedWithValue(null);
    }

    @Test
    void deadlinesCompareByDifference() {
        long near = Long.MAX_VALUE - 10; // the clock is about to wrap
        long after = near + 20;
        assertThat(Deadlines.earliest(near, after)).isEqualTo(near);
        assertThat(Deadlines.earliest(Deadlines.NONE, 5)).isEqualTo(5);
        assertThat(Deadlines.due(near, after)).isTrue();
        assertThat(Deadlines.due(Deadlines.NONE, after)).isFalse();
        assertThat(Deadlines.waitNanos(100, 50, 1000)).isZero();
        assertThat(Deadlines.waitNanos(100, 5000, 1000)).isEqualTo(1000);
        assertThat(Deadlines.waitNanos(100, Deadlines.NONE, 1000)).isEqualTo(1000);
    }
}
