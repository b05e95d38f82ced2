package lane

import "sync"

// Default bounds of a Reassembler.
const (
	DefaultMaxBooks   = 64                 // incomplete books kept at once
	DefaultMaxBytes   = 2 * MaxMessageSize // bytes of incomplete books kept at once
	DefaultMaxSenders = 4096               // senders whose session id is remembered
)

type bookKey struct {
	dn, sn, si string
	bi         uint64
}

type book struct {
	head     Head
	sections map[int][]byte // grows with the pages received, not with the count announced
	size     int
}

// Reassembler collects pages into books keyed by (dn, sn, si, bi).
//
// Add returns the head and the body when a book is complete (a single page at once). A paged book must start
// with page 0 (else the page is dropped: stat missed_page). A page whose si differs from the last one seen from
// its sender discards that sender's partial books of other sessions (stale_book). Bounds: at most MaxBooks
// incomplete books and MaxBytes bytes in them (the oldest book is dropped: dropped_book), a book at most
// MaxMessageSize bytes (book_too_large), the session ids of at most MaxSenders senders (the oldest is
// forgotten). It is safe for concurrent use.
type Reassembler struct {
	MaxBooks   int
	MaxBytes   int
	MaxSenders int

	mu      sync.Mutex
	books   map[bookKey]*book
	order   []bookKey // books in the order they were started
	bytes   int
	rsids   map[string]string // sn -> last si seen
	senders []string          // senders in the order they were first seen
	stats   map[string]int64
}

// NewReassembler returns a Reassembler with the default bounds.
func NewReassembler() *Reassembler {
	return &Reassembler{MaxBooks: DefaultMaxBooks, MaxBytes: DefaultMaxBytes, MaxSenders: DefaultMaxSenders}
}

func (r *Reassembler) init() {
	if r.books == nil {
		r.books = make(map[bookKey]*book)
		r.rsids = make(map[string]string)
		r.stats = make(map[string]int64)
		if r.MaxBooks <= 0 {
			r.MaxBooks = DefaultMaxBooks
		}
		if r.MaxBytes <= 0 {
			r.MaxBytes = DefaultMaxBytes
		}
		if r.MaxSenders <= 0 {
			r.MaxSenders = DefaultMaxSenders
		}
	}
}

// Add takes one page; when it completes a book it returns the book's first head, the whole body and true.
// The body never refers to the page's buffer when the book had several pages; a single page's body is
// page.Body itself.
func (r *Reassembler) Add(page Page) (Head, []byte, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	h := page.Head
	if last, ok := r.rsids[h.SN]; !ok || last != h.SI {
		if !ok {
			r.rememberSender(h.SN)
		}
		r.rsids[h.SN] = h.SI
		for k := range r.books {
			if k.sn == h.SN && k.si != h.SI {
				r.drop(k)
				r.stats["stale_book"]++
			}
		}
	}
	if h.PC <= 1 {
		return h, page.Body, true
	}
	k := bookKey{h.DN, h.SN, h.SI, h.BI}
	b := r.books[k]
	if b == nil {
		if h.PN != 0 {
			r.stats["missed_page"]++
			return Head{}, nil, false
		}
		for len(r.books) >= r.MaxBooks && len(r.order) > 0 {
			r.drop(r.order[0])
			r.stats["dropped_book"]++
		}
		b = &book{head: h, sections: make(map[int][]byte)}
		r.books[k] = b
		r.order = append(r.order, k)
	}
	if h.PC != b.head.PC {
		r.stats["bad_page"]++
		return Head{}, nil, false
	}
	old := len(b.sections[h.PN])
	grow := len(page.Body) - old
	if b.size+grow > MaxMessageSize {
		r.drop(k)
		r.stats["book_too_large"]++
		return Head{}, nil, false
	}
	for r.bytes+grow > r.MaxBytes && len(r.order) > 0 && r.order[0] != k {
		r.drop(r.order[0])
		r.stats["dropped_book"]++
	}
	if r.bytes+grow > r.MaxBytes {
		r.drop(k)
		r.stats["dropped_book"]++
		return Head{}, nil, false
	}
	b.sections[h.PN] = append([]byte(nil), page.Body...)
	b.size += grow
	r.bytes += grow
	if len(b.sections) < b.head.PC {
		return Head{}, nil, false
	}
	body := make([]byte, 0, b.size)
	for i := 0; i < b.head.PC; i++ {
		body = append(body, b.sections[i]...)
	}
	r.drop(k)
	return b.head, body, true
}

func (r *Reassembler) drop(k bookKey) {
	b := r.books[k]
	if b == nil {
		return
	}
	delete(r.books, k)
	r.bytes -= b.size
	for i, o := range r.order {
		if o == k {
			r.order = append(r.order[:i], r.order[i+1:]...)
			break
		}
	}
}

func (r *Reassembler) rememberSender(sn string) {
	for len(r.rsids) >= r.MaxSenders && len(r.senders) > 0 {
		old := r.senders[0]
		r.senders = r.senders[1:]
		if _, ok := r.rsids[old]; ok {
			r.forget(old)
		}
	}
	if len(r.senders) > 2*r.MaxSenders { // names forgotten by Forget linger here; compact
		kept := make([]string, 0, len(r.rsids))
		for _, s := range r.senders {
			if _, ok := r.rsids[s]; ok {
				kept = append(kept, s)
			}
		}
		r.senders = kept
	}
	r.senders = append(r.senders, sn)
}

// Forget drops the partial books and the session id of sender sn.
func (r *Reassembler) Forget(sn string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.init()
	r.forget(sn)
}

func (r *Reassembler) forget(sn string) {
	delete(r.rsids, sn)
	for k := range r.books {
		if k.sn == sn {
			r.drop(k)
		}
	}
}

// Books is the number of incomplete books held.
func (r *Reassembler) Books() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.books)
}

// Bytes is the number of bytes held in incomplete books.
func (r *Reassembler) Bytes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bytes
}

// Stats returns a copy of the counters (missed_page, stale_book, dropped_book, bad_page, book_too_large).
func (r *Reassembler) Stats() map[string]int64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]int64, len(r.stats))
	for k, v := range r.stats {
		out[k] = v
	}
	return out
}
