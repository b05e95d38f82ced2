package io.raet.agent;

import io.raet.util.Counters;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Agent} on one owner thread: the queued {@link Command}s, then {@link Agent#doWork}; when both did
 * nothing, the {@link IdleStrategy} waits until {@link Agent#nextWakeup()}, a command or input.
 *
 * <p>The command queue is bounded: {@link #submit} refuses a command beyond {@code commandCapacity} (counted
 * {@code command_queue_full}) and the caller answers its own caller at once. Commands run in the order they were
 * queued, at most {@value #COMMANDS_PER_CYCLE} a cycle.
 *
 * <p>Failure policy: an exception from one command ({@code command_error}, and the command is rejected) or one duty
 * cycle ({@code work_error}) is counted, logged once per kind per interval, and the loop goes on. A
 * {@link VirtualMachineError} ends the loop loudly: logged, {@link #failure()} set, every queued command rejected and
 * {@link Agent#onClose} told the cause, so the agent fails its futures. {@link #close()} ends the loop quietly the
 * same way.
 */
public final class AgentRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentRunner.class);
    /** Most commands run before each duty cycle. */
    public static final int COMMANDS_PER_CYCLE = 1024;
    private static final long ERROR_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long JOIN_MILLIS = 5000;

    private final Agent agent;
    private final IdleStrategy idle;
    private final LongSupplier clock;
    private final int capacity;
    private final ConcurrentLinkedQueue<Command> commands = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Counters<AgentCounter> counters = new Counters<>(AgentCounter.class);
    private final DistinctErrorLog errors;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private volatile Thread thread;
    private volatile boolean running = true;
    /** Set by the owner thread once the loop has ended and before the queue is swept. */
    private volatile boolean stopped;
    private volatile Throwable failure;

    /**
     * @param commandCapacity most commands queued at once
     */
    public AgentRunner(Agent agent, IdleStrategy idle, int commandCapacity) {
        this(agent, idle, commandCapacity, System::nanoTime);
    }

    /** With the clock that gives {@code now} to the agent (tests drive a virtual one). */
    public AgentRunner(Agent agent, IdleStrategy idle, int commandCapacity, LongSupplier clock) {
        this.agent = Objects.requireNonNull(agent, "agent");
        this.idle = Objects.requireNonNull(idle, "idle");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (commandCapacity < 1) {
            throw new IllegalArgumentException("command capacity must be at least 1");
        }
        this.capacity = commandCapacity;
        this.errors = new DistinctErrorLog(LoggerFactory.getLogger(AgentRunner.class.getName() + "."
                + agent.roleName().replaceAll("[^A-Za-z0-9_-]", "_")));
    }

    /**
     * Starts the owner thread from {@code threads} (named after the agent): a platform thread for an agent that
     * blocks in a native call (a virtual thread would pin its carrier), a virtual one for an agent that parks.
     */
    public AgentRunner start(Thread.Builder threads) {
        synchronized (this) {
            if (thread != null) {
                throw new IllegalStateException("already started");
            }
            thread = threads.name(agent.roleName()).unstarted(this::run);
        }
        thread.start();
        return this;
    }

    public Agent agent() {
        return agent;
    }

    /** The owner thread (null before {@link #start}). */
    public Thread thread() {
        return thread;
    }

    /** Whether the caller is the owner thread. */
    public boolean onOwnerThread() {
        return Thread.currentThread() == thread;
    }

    /** The runner's clock. */
    public long now() {
        return clock.getAsLong();
    }

    /**
     * Queues {@code command} and wakes the owner.
     *
     * @return false when the queue is full (counted {@code command_queue_full}) or the runner is closed
     *     ({@link #isClosed()}); the command is then not run and not rejected: the caller answers for it
     */
    public boolean submit(Command command) {
        Objects.requireNonNull(command, "command");
        if (!running) {
            return false;
        }
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            counters.increment(AgentCounter.COMMAND_QUEUE_FULL);
            return false;
        }
        commands.add(command);
        if (stopped && commands.remove(command)) {
            // The owner swept the queue before this command arrived: it will never run.
            queued.decrementAndGet();
            return false;
        }
        idle.wake(thread);
        return true;
    }

    /**
     * Runs {@code f} on the owner thread; the future completes with its result, or fails with what it threw, an
     * {@link AgentClosedException} when the runner closes first, or a {@link RejectedExecutionException} when the
     * queue is full.
     */
    public <T> CompletableFuture<T> call(LongFunction<T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Command c = new Command() {
            @Override
            public void run(long now) {
                result.complete(f.apply(now));
            }

            @Override
            public void reject(Throwable cause) {
                result.completeExceptionally(cause);
            }
        };
        if (!submit(c)) {
            result.completeExceptionally(isClosed() ? closedException()
                    : new RejectedExecutionException("the command queue of " + agent.roleName() + " is full"));
        }
        return result;
    }

    /** Commands queued and not run yet. */
    public int queuedCommands() {
        return queued.get();
    }

    /** Makes the owner run a duty cycle soon (its wait ends); from any thread. */
    public void wake() {
        idle.wake(thread);
    }

    public Counters<AgentCounter> counters() {
        return counters;
    }

    /** The error that ended the loop on its own ({@link VirtualMachineError}), or null. */
    public Throwable failure() {
        return failure;
    }

    /** Whether the loop was told to end or has ended. */
    public boolean isClosed() {
        return !running || stopped;
    }

    /** Completes once the loop has ended and {@link Agent#onClose} has run. */
    public CompletableFuture<Void> terminated() {
        return terminated;
    }

    /**
     * Ends the loop: the owner finishes its cycle, rejects the queued commands and runs {@link Agent#onClose}. Waits
     * for that unless called on the owner thread (the loop then ends after the current cycle). Idempotent.
     */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t == null) {
            // Never started: close here.
            synchronized (this) {
                if (thread == null) {
                    thread = Thread.currentThread();
                }
            }
            if (thread == Thread.currentThread() && !terminated.isDone()) {
                finish(null);
            }
            return;
        }
        idle.wake(t);
        if (t == Thread.currentThread()) {
            return;
        }
        boolean interrupted = false;
        while (!terminated.isDone()) {
            try {
                terminated.get(JOIN_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (java.util.concurrent.ExecutionException e) {
                break;
            } catch (java.util.concurrent.TimeoutException e) {
                LOG.warn("{} has not stopped after {} ms; interrupting it", agent.roleName(), JOIN_MILLIS);
                t.interrupt();
                idle.wake(t);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    // ------------------------------------------------------------------ owner thread

    private void run() {
        Throwable cause = null;
        try {
            agent.onStart();
            loop();
        } catch (VirtualMachineError e) {
            cause = e;
            failure = e;
            LOG.error("{} failed: closing it, every waiting request fails", agent.roleName(), e);
        } catch (Throwable e) {
            // onStart failed: the agent never ran.
            cause = e;
            failure = e;
            LOG.error("{} could not start", agent.roleName(), e);
        } finally {
            running = false;
            finish(cause);
        }
    }

    private void loop() {
        while (running) {
            long now = clock.getAsLong();
            int work = runCommands(now);
            boolean failed = false;
            try {
                work += agent.doWork(now);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                failed = true;
                counters.increment(AgentCounter.WORK_ERROR);
                errors.log(agent.roleName() + ": a duty cycle failed; going on", e, now);
            }
            if (work > 0 || !running) {
                continue;
            }
            try {
                long t = clock.getAsLong();
                idle.idle(t, failed ? Deadlines.earliest(t + ERROR_PAUSE, agent.nextWakeup()) : agent.nextWakeup());
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                counters.increment(AgentCounter.WORK_ERROR);
                errors.log(agent.roleName() + ": waiting failed; going on", e, now);
                java.util.concurrent.locks.LockSupport.parkNanos(ERROR_PAUSE);
            }
        }
    }

    private int runCommands(long now) {
        int n = 0;
        Command c;
        while (n < COMMANDS_PER_CYCLE && (c = commands.poll()) != null) {
            queued.decrementAndGet();
            n++;
            try {
                c.run(now);
            } catch (VirtualMachineError e) {
                reject(c, e);
                throw e;
            } catch (Throwable e) {
                counters.increment(AgentCounter.COMMAND_ERROR);
                errors.log(agent.roleName() + ": a command failed; going on", e, now);
                reject(c, e);
            }
        }
        return n;
    }

    private void finish(Throwable cause) {
        stopped = true;
        AgentClosedException closed = cause == null ? closedException()
                : new AgentClosedException(agent.roleName() + " failed: " + cause, cause);
        Command c;
        while ((c = commands.poll()) != null) {
            queued.decrementAndGet();
            reject(c, closed);
        }
        try {
            agent.onClose(cause);
        } catch (Throwable e) {
            LOG.error("{}: closing failed", agent.roleName(), e);
        } finally {
            terminated.complete(null);
        }
    }

    private void reject(Command c, Throwable cause) {
        try {
            c.reject(cause);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable e) {
            LOG.warn("{}: rejecting a command failed", agent.roleName(), e);
        }
    }

    private AgentClosedException closedException() {
        Throwable f = failure;
        return f == null ? new AgentClosedException(agent.roleName() + " closed", null)
                : new AgentClosedException(agent.roleName() + " failed: " + f, f);
    }

    @Override
    public String toString() {
        return "AgentRunner[" + agent.roleName() + (isClosed() ? ", closed" : "") + "]";
    }
}
