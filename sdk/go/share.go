package raetsdk

import (
	"fmt"
	"sync"
	"time"
)

// ShareKind is how a share keeps its messages.
type ShareKind string

const (
	Queue ShareKind = "queue" // every message, first in first out, bounded
	Best  ShareKind = "best"  // only the newest message
)

// Forever, as a timeout, waits without limit (any negative duration does).
const Forever time.Duration = -1

// Share is a named place in a yard that receives the messages addressed to it (their dst share).
//
// A Queue share keeps every message, at most MaxSize (a message arriving at a full queue is dropped and
// counted in Dropped). A Best share keeps only the newest message: Receive returns it once, then waits for a
// newer one; Latest peeks at it. A Share is safe for concurrent use.
type Share struct {
	name    string
	kind    ShareKind
	maxSize int

	mu      sync.Mutex
	items   []*Message
	latest  *Message
	fresh   bool
	dropped int64
	closed  bool
	wake    chan struct{} // closed and replaced on every change
}

func newShare(name string, kind ShareKind, maxSize int) (*Share, error) {
	if kind != Queue && kind != Best {
		return nil, fmt.Errorf("raet: share kind is %q or %q, not %q", Queue, Best, kind)
	}
	if maxSize <= 0 {
		return nil, fmt.Errorf("raet: share %q needs a positive size", name)
	}
	return &Share{name: name, kind: kind, maxSize: maxSize, wake: make(chan struct{})}, nil
}

// Name is the share's name ("" for the default share).
func (s *Share) Name() string { return s.name }

// Kind is Queue or Best.
func (s *Share) Kind() ShareKind { return s.kind }

// MaxSize is the most messages a Queue share holds.
func (s *Share) MaxSize() int { return s.maxSize }

func (s *Share) signal() {
	close(s.wake)
	s.wake = make(chan struct{})
}

// put stores a message; false when a full queue dropped it.
func (s *Share) put(m *Message) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	if s.kind == Best {
		s.latest = m
		s.fresh = true
	} else if len(s.items) >= s.maxSize {
		s.dropped++
		return false
	} else {
		s.items = append(s.items, m)
	}
	s.signal()
	return true
}

// Receive returns the next message, or nil when timeout passes (Forever: no limit; 0: only what is there) or
// the share is closed and empty.
func (s *Share) Receive(timeout time.Duration) *Message {
	var timer *time.Timer
	var expired <-chan time.Time
	if timeout > 0 {
		timer = time.NewTimer(timeout)
		defer timer.Stop()
		expired = timer.C
	}
	for {
		s.mu.Lock()
		if s.kind == Best {
			if s.fresh {
				s.fresh = false
				m := s.latest
				s.mu.Unlock()
				return m
			}
		} else if len(s.items) > 0 {
			m := s.items[0]
			s.items[0] = nil
			s.items = s.items[1:]
			s.mu.Unlock()
			return m
		}
		wake, closed := s.wake, s.closed
		s.mu.Unlock()
		if closed || timeout == 0 {
			return nil
		}
		select {
		case <-wake:
		case <-expired:
			return nil
		}
	}
}

// Latest returns the newest message of a Best share (nil when none yet) without consuming it; for a Queue share
// the last queued message.
func (s *Share) Latest() *Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kind == Best {
		return s.latest
	}
	if len(s.items) == 0 {
		return nil
	}
	return s.items[len(s.items)-1]
}

// Len is the number of messages waiting (0 or 1 for a Best share).
func (s *Share) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kind == Best {
		if s.fresh {
			return 1
		}
		return 0
	}
	return len(s.items)
}

// Dropped is the number of messages a full queue refused.
func (s *Share) Dropped() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

func (s *Share) close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.signal()
	}
}
