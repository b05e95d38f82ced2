package lane

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// DefaultDir is where yard sockets live unless told otherwise (as in the reference).
const DefaultDir = "/var/cache/raet"

// DefaultDirPath returns $RAET_LANE_DIR when set, else /var/cache/raet when it is (or can be made) a writable
// directory, else ~/.raet/uxd.
func DefaultDirPath() string {
	if env := os.Getenv("RAET_LANE_DIR"); env != "" {
		return absPath(env)
	}
	if st, err := os.Stat(DefaultDir); err == nil && st.IsDir() {
		if syscall.Access(DefaultDir, 0x2|0x4) == nil { // W_OK | R_OK
			return DefaultDir
		}
	} else if os.IsNotExist(err) {
		if os.MkdirAll(DefaultDir, 0o755) == nil {
			return DefaultDir
		}
	}
	return absPath(filepath.Join("~", ".raet", "uxd"))
}

// absPath expands a leading ~ and makes the path absolute.
func absPath(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, p[1:])
		}
	}
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// YardPath returns the socket path of yard on lane: <dir>/<lane>.<yard>.uxd (dir made absolute).
func YardPath(dir, lane, yard string) (string, error) {
	if err := CheckName(yard, "yard name"); err != nil {
		return "", err
	}
	if lane == "" || strings.Contains(lane, " ") {
		return "", fmt.Errorf("invalid lane name %q", lane)
	}
	return filepath.Join(absPath(dir), lane+"."+yard+".uxd"), nil
}

// NamesFromPath returns (lane, yard) from a socket path, split at the last dot of the file's root name.
func NamesFromPath(path string) (lane, yard string, err error) {
	tail := filepath.Base(path)
	if path == "" || !strings.HasSuffix(tail, ".uxd") {
		return "", "", fmt.Errorf("not a yard socket path: %q", path)
	}
	root := strings.TrimSuffix(tail, ".uxd")
	i := strings.LastIndexByte(root, '.')
	if i < 0 {
		return "", "", fmt.Errorf("no lane.yard in socket path: %q", path)
	}
	return root[:i], root[i+1:], nil
}

// Error is a failed lane operation (binding, sending); Errno is the system's error number when there is one.
type Error struct {
	Op    string
	Path  string
	Errno syscall.Errno
	Err   error
}

func (e *Error) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("lane: %s %s: %v", e.Op, e.Path, e.Err)
	}
	return fmt.Sprintf("lane: %s: %v", e.Op, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Socket is a bound AF_UNIX/SOCK_DGRAM socket at a path (mode 0600), as a yard uses it.
//
// Send retries while the receiver's queue is full (EAGAIN, ENOBUFS: Linux queues only
// net.unix.max_dgram_qlen datagrams per socket, 10 by default) until its deadline, sleeping 0.5 ms doubling
// to 20 ms between tries. Recv blocks until a datagram arrives, the read deadline passes or the socket closes.
type Socket struct {
	SendTimeout time.Duration // default deadline of Send (10 s)

	path   string
	conn   *net.UnixConn
	raw    syscall.RawConn
	busy   int64 // sends retried because the receiver's queue was full
	mu     sync.Mutex
	closed bool
}

// umaskMu keeps two binds of this process from racing on the umask.
var umaskMu sync.Mutex

// Listen binds a socket at path (creating its directory). A socket file left by a dead process is replaced; a
// live one (someone answers at it) or a file that is not a socket is an error.
func Listen(path string) (*Socket, error) {
	if d := filepath.Dir(path); d != "" {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return nil, &Error{Op: "bind", Path: path, Err: err}
		}
	}
	if st, err := os.Lstat(path); err == nil {
		if st.Mode()&os.ModeSocket == 0 {
			return nil, &Error{Op: "bind", Path: path, Err: errors.New("exists and is not a socket")}
		}
		if SocketAlive(path) {
			return nil, &Error{Op: "bind", Path: path, Err: errors.New("yard socket is in use by another process")}
		}
		_ = os.Remove(path)
	}
	umaskMu.Lock()
	old := syscall.Umask(0o177)
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	syscall.Umask(old)
	umaskMu.Unlock()
	if err != nil {
		return nil, &Error{Op: "bind", Path: path, Err: err}
	}
	_ = os.Chmod(path, 0o600)
	_ = conn.SetReadBuffer(MaxPageSize * 100)
	_ = conn.SetWriteBuffer(MaxPageSize * 4)
	raw, err := conn.SyscallConn()
	if err != nil {
		conn.Close()
		_ = os.Remove(path)
		return nil, &Error{Op: "bind", Path: path, Err: err}
	}
	return &Socket{SendTimeout: 10 * time.Second, path: path, conn: conn, raw: raw}, nil
}

// SocketAlive reports whether a process is bound at the socket path (a datagram connect succeeds).
func SocketAlive(path string) bool {
	c, err := net.DialUnix("unixgram", nil, &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Path is the socket's path.
func (s *Socket) Path() string { return s.path }

// Busy is the number of send attempts that found the receiver's queue full.
func (s *Socket) Busy() int64 { return atomic.LoadInt64(&s.busy) }

// Send sends one datagram to the socket at path, retrying while the receiver's queue is full until deadline
// (zero: now + SendTimeout). It returns a *Error with Errno set on failure (ECONNREFUSED or ENOENT: nobody is
// bound there; EAGAIN: still full at the deadline).
func (s *Socket) Send(data []byte, path string, deadline time.Time) error {
	if deadline.IsZero() {
		deadline = time.Now().Add(s.SendTimeout)
	}
	to := &syscall.SockaddrUnix{Name: path}
	delay := 500 * time.Microsecond
	for {
		var serr error
		cerr := s.raw.Control(func(fd uintptr) {
			serr = syscall.Sendto(int(fd), data, 0, to)
		})
		if cerr != nil {
			return &Error{Op: "send to", Path: path, Err: cerr}
		}
		if serr == nil {
			return nil
		}
		errno, _ := serr.(syscall.Errno)
		if errno != syscall.EAGAIN && errno != syscall.ENOBUFS && errno != syscall.EINTR {
			return &Error{Op: "send to", Path: path, Errno: errno, Err: serr}
		}
		if errno != syscall.EINTR {
			atomic.AddInt64(&s.busy, 1)
		}
		if !time.Now().Before(deadline) {
			return &Error{Op: "send to", Path: path, Errno: syscall.EAGAIN,
				Err: errors.New("timed out (receiver queue full)")}
		}
		time.Sleep(delay)
		if delay *= 2; delay > 20*time.Millisecond {
			delay = 20 * time.Millisecond
		}
	}
}

// Recv reads one datagram into buf and returns its length and the sender's socket path ("" when the sender is
// not bound). A datagram longer than buf is cut (give a buffer over MaxPageSize bytes to notice oversized
// ones). After Close it returns net.ErrClosed.
func (s *Socket) Recv(buf []byte) (int, string, error) {
	n, addr, err := s.conn.ReadFromUnix(buf)
	if err != nil {
		return 0, "", err
	}
	from := ""
	if addr != nil {
		from = addr.Name
	}
	return n, from, nil
}

// SetReadDeadline bounds the wait of Recv (zero: none).
func (s *Socket) SetReadDeadline(t time.Time) error { return s.conn.SetReadDeadline(t) }

// Close closes the socket and removes its file. Closing twice does nothing.
func (s *Socket) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	err := s.conn.Close()
	_ = os.Remove(s.path)
	return err
}

// Abandon closes the socket but leaves its file behind, as a process that was killed would (for tests of stale
// sockets).
func (s *Socket) Abandon() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closed = true
	return s.conn.Close()
}
