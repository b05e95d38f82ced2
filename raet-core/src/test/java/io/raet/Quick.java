package io.raet;

import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.quicktheories.QuickTheory;
import org.quicktheories.api.TriConsumer;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * Small helpers for the property tests (QuickTheories): a theory with a number of examples, generators used by
 * several properties, and adapters for property bodies that throw checked exceptions.
 *
 * <p>A property runs its examples from a random seed and shrinks a falsifying example (QuickTheories shrinks the
 * random draws a value was built from, so composed generators shrink too); the failure message gives the smallest
 * falsifying example and the seed. To replay a run: {@code -DQT_SEED=<seed>}.
 */
public final class Quick {
    private Quick() {}

    /** A theory that checks {@code examples} generated examples. */
    public static QuickTheory qt(int examples) {
        return QuickTheory.qt().withExamples(examples);
    }

    /** Any long (for seeding a {@link java.util.Random} inside a property). */
    public static Gen<Long> seeds() {
        return SourceDSL.longs().all();
    }

    /** Byte arrays of {@code min} to {@code max} bytes of any value; shrinking shortens them and zeroes bytes. */
    public static Gen<byte[]> bytes(int min, int max) {
        return Generate.byteArrays(SourceDSL.integers().between(min, max),
                Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0));
    }

    /** A property body of one value that may throw. */
    @FunctionalInterface
    public interface Check1<A> {
        void check(A a) throws Exception;
    }

    /** A property body of two values that may throw. */
    @FunctionalInterface
    public interface Check2<A, B> {
        void check(A a, B b) throws Exception;
    }

    /** A property body of three values that may throw. */
    @FunctionalInterface
    public interface Check3<A, B, C> {
        void check(A a, B b, C c) throws Exception;
    }

    public static <A> Consumer<A> unchecked(Check1<A> body) {
        return a -> {
            try {
                body.check(a);
            } catch (Exception e) {
                throw sneaky(e);
            }
        };
    }

    public static <A, B> BiConsumer<A, B> unchecked2(Check2<A, B> body) {
        return (a, b) -> {
            try {
                body.check(a, b);
            } catch (Exception e) {
                throw sneaky(e);
            }
        };
    }

    public static <A, B, C> TriConsumer<A, B, C> unchecked3(Check3<A, B, C> body) {
        return (a, b, c) -> {
            try {
                body.check(a, b, c);
            } catch (Exception e) {
                throw sneaky(e);
            }
        };
    }

    /** Rethrows {@code e} unchanged (checked or not), so the failure report shows the original exception. */
    @SuppressWarnings("unchecked")
    private static <E extends Exception> E sneaky(Exception e) throws E {
        throw (E) e;
    }
}
