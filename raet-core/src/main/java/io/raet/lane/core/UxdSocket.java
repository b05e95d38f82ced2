package io.raet.lane.core;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.raet.lane.UxdException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Objects;

/**
 * A non-blocking Unix-domain datagram socket ({@code AF_UNIX}, {@code SOCK_DGRAM}) bound to a file path, through the
 * FFM API (the JDK has no Unix datagram channels).
 *
 * <p>{@link #sendTo} and {@link #receive} never block; {@link #poll} waits for input. One thread may poll and
 * receive while others send. {@link #close()} closes the descriptor and removes the socket file; it must not race
 * with a call in progress on another thread (the owner stops its loops first).
 *
 * <p>Paths are encoded as UTF-8 and must fit {@code sockaddr_un} ({@value #MAX_PATH_BYTES} bytes).
 */
public final class UxdSocket implements AutoCloseable {
    /** Largest datagram handled: a lane page ({@code LaneCodec.MAX_PAGE_SIZE}). */
    public static final int MAX_DATAGRAM = 65535;
    /** Longest socket path in bytes (sun_path is 108 bytes with the terminating NUL). */
    public static final int MAX_PATH_BYTES = 107;
    /** Socket buffer size asked for on open (the kernel caps it at net.core.[rw]mem_max). */
    public static final int DEFAULT_BUFFER = 4 * 1024 * 1024;

    static final int EINTR = 4;
    static final int ENOENT = 2;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENOBUFS = 105;
    static final int ECONNREFUSED = 111;
    static final int EADDRINUSE = 98;
    static final int ENAMETOOLONG = 36;
    static final int EBADF = 9;

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_NONBLOCK = 0x800;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_SNDBUF = 7;
    private static final int SO_RCVBUF = 8;
    private static final int MSG_TRUNC = 0x20;
    private static final short POLLIN = 0x1;
    private static final int SOCKADDR_UN_SIZE = 110;

    private static final MethodHandle SOCKET;
    private static final MethodHandle BIND;
    private static final MethodHandle CONNECT;
    private static final MethodHandle SENDTO;
    private static final MethodHandle RECVFROM;
    private static final MethodHandle POLL;
    private static final MethodHandle SETSOCKOPT;
    private static final MethodHandle GETSOCKOPT;
    private static final MethodHandle CLOSE;
    private static final MethodHandle STRERROR;

    static {
        Linker linker = Linker.nativeLinker();
        SymbolLookup libc = linker.defaultLookup();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        Linker.Option critical = Linker.Option.critical(true);
        SOCKET = linker.downcallHandle(libc.findOrThrow("socket"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), errno, critical);
        BIND = linker.downcallHandle(libc.findOrThrow("bind"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno, critical);
        CONNECT = linker.downcallHandle(libc.findOrThrow("connect"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno, critical);
        // Non-blocking socket: sendto and recvfrom return at once, so heap arrays may be passed directly.
        SENDTO = linker.downcallHandle(libc.findOrThrow("sendto"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
                errno, critical);
        RECVFROM = linker.downcallHandle(libc.findOrThrow("recvfrom"),
                FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, ADDRESS),
                errno, critical);
        POLL = linker.downcallHandle(libc.findOrThrow("poll"),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), errno);
        SETSOCKOPT = linker.downcallHandle(libc.findOrThrow("setsockopt"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT), errno, critical);
        GETSOCKOPT = linker.downcallHandle(libc.findOrThrow("getsockopt"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), errno, critical);
        CLOSE = linker.downcallHandle(libc.findOrThrow("close"), FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
        STRERROR = linker.downcallHandle(libc.findOrThrow("strerror"), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Outcome of {@link #sendTo}. */
    public enum SendStatus {
        /** The datagram was queued at the receiver. */
        OK,
        /** The receiver's queue or the send buffer is full (EAGAIN, EWOULDBLOCK, ENOBUFS): try again later. */
        WOULD_BLOCK,
        /** No socket is bound at the path (ECONNREFUSED, ENOENT): the peer has gone. */
        PEER_GONE,
        /** Any other failure; see {@link SendResult#errno()}. */
        ERROR
    }

    /** Result of {@link #sendTo}: the status and, unless OK, the errno. */
    public record SendResult(SendStatus status, int errno) {
        static final SendResult OK = new SendResult(SendStatus.OK, 0);

        /** A readable description of the error, or "ok". */
        public String message() {
            return status == SendStatus.OK ? "ok" : strerror(errno) + " (errno " + errno + ")";
        }
    }

    /** A received datagram: its length and the sender's path (null when the sender is unbound or abstract). */
    public record Received(int length, String sender, boolean truncated) {}

    private final Path path;
    private final byte[] boundAddress;
    private volatile int fd;

    private UxdSocket(Path path, byte[] boundAddress, int fd) {
        this.path = path;
        this.boundAddress = boundAddress;
        this.fd = fd;
    }

    /**
     * Opens a socket and binds it to {@code path} with mode 0600. A socket file left at the path by a process that is
     * gone is removed first; a path held by a live socket, or occupied by anything other than a socket, is refused.
     *
     * @throws UxdException when the socket cannot be created or bound
     */
    public static UxdSocket bind(Path path) throws UxdException {
        return bind(path, DEFAULT_BUFFER);
    }

    /** {@link #bind(Path)} asking for {@code bufferSize} bytes of send and receive buffer. */
    public static UxdSocket bind(Path path, int bufferSize) throws UxdException {
        Objects.requireNonNull(path, "path");
        path = path.toAbsolutePath().normalize();
        byte[] addr = sockaddr(path.toString());
        removeStale(path, addr);
        int fd = open();
        try {
            setBuffer(fd, SO_SNDBUF, bufferSize);
            setBuffer(fd, SO_RCVBUF, bufferSize);
            int[] err = new int[1];
            int r = (int) call(() -> (int) BIND.invokeExact(errSeg(err), fd, MemorySegment.ofArray(addr), addr.length));
            if (r != 0) {
                throw error("cannot bind " + path, err[0]);
            }
            try {
                Files.setPosixFilePermissions(path,
                        EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            } catch (IOException | UnsupportedOperationException e) {
                unlinkQuietly(path);
                throw new UxdException("cannot set mode 0600 on " + path + ": " + e.getMessage(), 0, e);
            }
        } catch (UxdException e) {
            closeFd(fd);
            throw e;
        }
        return new UxdSocket(path, addr, fd);
    }

    /** The bound path. */
    public Path path() {
        return path;
    }

    /** Actual send buffer size as reported by the kernel. */
    public int sendBufferSize() throws UxdException {
        return getInt(SO_SNDBUF);
    }

    /** Actual receive buffer size as reported by the kernel. */
    public int receiveBufferSize() throws UxdException {
        return getInt(SO_RCVBUF);
    }

    /**
     * Sends {@code buf[off, off+len)} as one datagram to the socket at {@code dest}; never blocks.
     *
     * @throws UxdException when this socket is closed or {@code dest} is not a valid socket path
     */
    public SendResult sendTo(String dest, byte[] buf, int off, int len) throws UxdException {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len > MAX_DATAGRAM) {
            throw new UxdException("datagram of " + len + " bytes exceeds " + MAX_DATAGRAM, 0);
        }
        byte[] addr = sockaddr(dest);
        int s = liveFd();
        int[] err = new int[1];
        while (true) {
            long r = (long) call(() -> (long) SENDTO.invokeExact(errSeg(err), s,
                    MemorySegment.ofArray(buf).asSlice(off, len), (long) len, 0, MemorySegment.ofArray(addr),
                    addr.length));
            if (r >= 0) {
                return SendResult.OK;
            }
            int e = err[0];
            switch (e) {
                case EINTR:
                    continue;
                case EAGAIN, ENOBUFS:
                    return new SendResult(SendStatus.WOULD_BLOCK, e);
                case ECONNREFUSED, ENOENT:
                    return new SendResult(SendStatus.PEER_GONE, e);
                default:
                    return new SendResult(SendStatus.ERROR, e);
            }
        }
    }

    /** {@link #sendTo(String, byte[], int, int)} with a path. */
    public SendResult sendTo(Path dest, byte[] buf, int off, int len) throws UxdException {
        return sendTo(dest.toString(), buf, off, len);
    }

    /**
     * Receives one datagram into {@code buf} without blocking.
     *
     * @return the datagram's length and sender, or null when none is waiting. A datagram longer than {@code buf} is
     *     cut and reported with {@code truncated} set and its full length.
     * @throws UxdException on any failure other than "nothing to read"
     */
    public Received receive(byte[] buf) throws UxdException {
        int s = liveFd();
        byte[] from = new byte[SOCKADDR_UN_SIZE];
        int[] fromLen = {SOCKADDR_UN_SIZE};
        int[] err = new int[1];
        while (true) {
            long r = (long) call(() -> (long) RECVFROM.invokeExact(errSeg(err), s, MemorySegment.ofArray(buf),
                    (long) buf.length, MSG_TRUNC, MemorySegment.ofArray(from), MemorySegment.ofArray(fromLen)));
            if (r >= 0) {
                int n = (int) Math.min(r, Integer.MAX_VALUE);
                return new Received(n, senderPath(from, fromLen[0]), r > buf.length);
            }
            if (err[0] == EINTR) {
                continue;
            }
            if (err[0] == EAGAIN) {
                return null;
            }
            throw error("receive on " + path + " failed", err[0]);
        }
    }

    /**
     * Waits up to {@code timeoutMillis} (negative: forever) for a datagram to read. Blocks the calling thread in the
     * kernel (a virtual thread pins its carrier), so call it from a platform thread.
     *
     * @return true when a datagram is waiting
     */
    public boolean poll(int timeoutMillis) throws UxdException {
        int s = liveFd();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pfd = arena.allocate(8, 4);
            pfd.set(JAVA_INT, 0, s);
            pfd.set(JAVA_SHORT, 4, POLLIN);
            pfd.set(JAVA_SHORT, 6, (short) 0);
            MemorySegment err = arena.allocate(Linker.Option.captureStateLayout());
            int r = (int) call(() -> (int) POLL.invokeExact(err, pfd, 1L, timeoutMillis));
            if (r < 0) {
                int e = err.get(JAVA_INT, 0);
                if (e == EINTR) {
                    return false;
                }
                throw error("poll on " + path + " failed", e);
            }
            return r > 0 && pfd.get(JAVA_SHORT, 6) != 0;
        }
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return fd >= 0;
    }

    /** Closes the socket and removes its file. Idempotent. */
    @Override
    public void close() {
        int s;
        synchronized (this) {
            s = fd;
            fd = -1;
        }
        if (s >= 0) {
            closeFd(s);
            unlinkQuietly(path);
        }
    }

    @Override
    public String toString() {
        return "UxdSocket[" + path + (isOpen() ? "" : ", closed") + "]";
    }

    // ---------------------------------------------------------------- helpers

    /** Encodes {@code sockaddr_un}: u16 AF_UNIX, the path bytes, a NUL; its length is the address length. */
    static byte[] sockaddr(String path) throws UxdException {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        if (p.length == 0) {
            throw new UxdException("empty socket path", 0);
        }
        if (p.length > MAX_PATH_BYTES) {
            throw new UxdException("socket path of " + p.length + " bytes exceeds " + MAX_PATH_BYTES + ": " + path,
                    ENAMETOOLONG);
        }
        for (byte b : p) {
            if (b == 0) {
                throw new UxdException("socket path contains NUL", 0);
            }
        }
        byte[] a = new byte[2 + p.length + 1];
        a[0] = (byte) AF_UNIX; // little-endian u16 family
        a[1] = 0;
        System.arraycopy(p, 0, a, 2, p.length);
        return a;
    }

    static String senderPath(byte[] from, int len) {
        if (len <= 2 || from[2] == 0) {
            return null; // unbound or abstract address
        }
        int end = 2;
        int limit = Math.min(len, from.length);
        while (end < limit && from[end] != 0) {
            end++;
        }
        return new String(from, 2, end - 2, StandardCharsets.UTF_8);
    }

    private static int open() throws UxdException {
        int[] err = new int[1];
        int s = (int) call(() -> (int) SOCKET.invokeExact(errSeg(err), AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                0));
        if (s < 0) {
            throw error("cannot create a Unix datagram socket", err[0]);
        }
        return s;
    }

    /**
     * Removes a socket file nobody is bound to. Probes with connect(): ECONNREFUSED means the file is stale.
     */
    private static void removeStale(Path path, byte[] addr) throws UxdException {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                || Files.isSymbolicLink(path)) {
            throw new UxdException("cannot bind " + path + ": the path exists and is not a socket", EADDRINUSE);
        }
        int probe = open();
        try {
            int[] err = new int[1];
            int r = (int) call(() -> (int) CONNECT.invokeExact(errSeg(err), probe, MemorySegment.ofArray(addr),
                    addr.length));
            if (r == 0) {
                throw new UxdException("cannot bind " + path + ": a live socket is bound there", EADDRINUSE);
            }
            if (err[0] != ECONNREFUSED && err[0] != ENOENT) {
                throw error("cannot probe the socket at " + path, err[0]);
            }
        } finally {
            closeFd(probe);
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UxdException("cannot remove the stale socket " + path + ": " + e.getMessage(), 0, e);
        }
    }

    private static void setBuffer(int fd, int option, int size) throws UxdException {
        int[] v = {size};
        int[] err = new int[1];
        int r = (int) call(() -> (int) SETSOCKOPT.invokeExact(errSeg(err), fd, SOL_SOCKET, option,
                MemorySegment.ofArray(v), 4));
        if (r != 0) {
            throw error("setsockopt(" + (option == SO_SNDBUF ? "SO_SNDBUF" : "SO_RCVBUF") + ") failed", err[0]);
        }
    }

    private int getInt(int option) throws UxdException {
        int s = liveFd();
        int[] v = new int[1];
        int[] len = {4};
        int[] err = new int[1];
        int r = (int) call(() -> (int) GETSOCKOPT.invokeExact(errSeg(err), s, SOL_SOCKET, option,
                MemorySegment.ofArray(v), MemorySegment.ofArray(len)));
        if (r != 0) {
            throw error("getsockopt failed", err[0]);
        }
        return v[0];
    }

    private int liveFd() throws UxdException {
        int s = fd;
        if (s < 0) {
            throw new UxdException("socket " + path + " is closed", EBADF);
        }
        return s;
    }

    private static void closeFd(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = arena.allocate(Linker.Option.captureStateLayout());
            int ignored = (int) CLOSE.invokeExact(err, fd);
        } catch (Throwable t) {
            // close(2) reports nothing useful for a datagram socket
        }
    }

    private static void unlinkQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // the file may be gone or its directory removed already
        }
    }

    private static MemorySegment errSeg(int[] err) {
        return MemorySegment.ofArray(err);
    }

    static String strerror(int errno) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(errno);
            return s.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static UxdException error(String what, int errno) {
        return new UxdException(what + ": " + strerror(errno) + " (errno " + errno + ")", errno);
    }

    @FunctionalInterface
    private interface NativeCall {
        Object invoke() throws Throwable;
    }

    private static Object call(NativeCall c) throws UxdException {
        try {
            return c.invoke();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new UxdException("native call failed: " + t, 0, t);
        }
    }
}
