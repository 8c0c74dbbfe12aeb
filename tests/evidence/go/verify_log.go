// An independent check of a nofly evidence log and bundle with Go's golang.org/x/mod/sumdb/note and
// golang.org/x/mod/sumdb/tlog (Debian's golang-golang-x-mod-dev), written from docs/evidence.md:
// no code shared with nofly.
//
// Usage: go run verify_log.go LOG VKEY NOFLY_BIN [BUNDLE [POLICY]]
//
// Checks every entry's leaf hash, every checkpoint's note signature (note.Open) and root
// (tlog.TreeHash), the consistency proof nofly prints between consecutive checkpoints
// (tlog.CheckTree), and, given a bundle, its three tlog-proofs (tlog.CheckRecord) and, given a
// policy, the witnesses' cosignatures (c2sp.org/tlog-cosignature, checked with crypto/ed25519:
// x/mod's note knows only type 0x01 keys). Prints one line per finding; exits 1 on any failure.
package main

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

var failed bool

func check(ok bool, format string, args ...interface{}) {
	status := "ok      "
	if !ok {
		status = "FAILED  "
		failed = true
	}
	fmt.Printf(status+format+"\n", args...)
}

type hashes map[int64]tlog.Hash

func (h hashes) ReadHashes(indexes []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(indexes))
	for i, x := range indexes {
		v, ok := h[x]
		if !ok {
			return nil, fmt.Errorf("no stored hash %d", x)
		}
		out[i] = v
	}
	return out, nil
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
	text   string
}

func parseCheckpoint(text string, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open([]byte(text), note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, err
	}
	lines := strings.SplitN(n.Text, "\n", 4)
	if len(lines) < 4 {
		return checkpoint{}, fmt.Errorf("a checkpoint body has three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil {
		return checkpoint{}, err
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != 32 {
		return checkpoint{}, fmt.Errorf("bad root %q", lines[2])
	}
	var root tlog.Hash
	copy(root[:], raw)
	return checkpoint{lines[0], size, root, text}, nil
}

func readHashes(text string) ([]tlog.Hash, error) {
	var out []tlog.Hash
	for _, l := range strings.Split(strings.TrimSpace(text), "\n") {
		if l == "" {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(raw) != 32 {
			return nil, fmt.Errorf("bad hash line %q", l)
		}
		var h tlog.Hash
		copy(h[:], raw)
		out = append(out, h)
	}
	return out, nil
}

// cosigned reports which witnesses of the policy cosigned the note's body.
func cosigned(noteText string, policy string) []string {
	cut := strings.LastIndex(noteText, "\n\n")
	body, sigs := noteText[:cut+1], noteText[cut+2:]
	var names []string
	for _, line := range strings.Split(policy, "\n") {
		f := strings.Fields(line)
		if len(f) < 3 || f[0] != "witness" {
			continue
		}
		parts := strings.SplitN(f[2], "+", 3)
		key, err := base64.StdEncoding.DecodeString(parts[2])
		if err != nil || len(key) != 33 || key[0] != 0x04 {
			check(false, "witness key %s is not a cosignature key", f[1])
			continue
		}
		id := sha256.Sum256(append([]byte(parts[0]+"\n"), key...))
		for _, s := range strings.Split(sigs, "\n") {
			prefix := "\u2014 " + parts[0] + " "
			if !strings.HasPrefix(s, prefix) {
				continue
			}
			raw, err := base64.StdEncoding.DecodeString(s[len(prefix):])
			if err != nil || len(raw) != 4+8+64 || !bytes.Equal(raw[:4], id[:4]) {
				continue
			}
			t := binary.BigEndian.Uint64(raw[4:12])
			msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", t, body)
			if ed25519.Verify(ed25519.PublicKey(key[1:]), []byte(msg), raw[12:]) {
				names = append(names, fmt.Sprintf("%s@%d", f[1], t))
			}
		}
	}
	return names
}

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: verify_log LOG VKEY NOFLY_BIN [BUNDLE [POLICY]]")
		os.Exit(2)
	}
	logPath, vkey, nofly := os.Args[1], strings.TrimSpace(os.Args[2]), os.Args[3]
	if data, err := os.ReadFile(vkey); err == nil {
		vkey = strings.TrimSpace(string(data))
	}
	verifier, err := note.NewVerifier(vkey)
	check(err == nil, "verifier key %s reads: %v", vkey, err)
	if err != nil {
		os.Exit(1)
	}
	text, err := os.ReadFile(logPath)
	check(err == nil, "log %s reads", logPath)
	stored := hashes{}
	var leaves [][]byte
	var previous *checkpoint
	checkpoints := 0
	for n, line := range strings.Split(strings.TrimSuffix(string(text), "\n"), "\n") {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal([]byte(line), &fields); err != nil {
			check(false, "line %d is JSON: %v", n+1, err)
			continue
		}
		var kind string
		json.Unmarshal(fields["kind"], &kind)
		switch kind {
		case "entry":
			// The record is the line's last member; its bytes are the leaf data.
			i := strings.Index(line, `,"record":`)
			data := []byte(line[i+len(`,"record":`) : len(line)-1])
			var leafHex string
			json.Unmarshal(fields["leaf_hash"], &leafHex)
			h := tlog.RecordHash(data)
			if fmt.Sprintf("%x", h[:]) != leafHex {
				check(false, "line %d: leaf hash", n+1)
			}
			more, err := tlog.StoredHashes(int64(len(leaves)), data, stored)
			if err != nil {
				check(false, "line %d: %v", n+1, err)
			}
			for k, x := range more {
				stored[tlog.StoredHashIndex(0, int64(len(leaves)))+int64(k)] = x
			}
			leaves = append(leaves, data)
		case "checkpoint":
			var noteText string
			json.Unmarshal(fields["checkpoint"], &noteText)
			c, err := parseCheckpoint(noteText, verifier)
			check(err == nil, "line %d: note.Open: the checkpoint is signed by %s (%v)", n+1, verifier.Name(), err)
			if err != nil {
				continue
			}
			root, err := tlog.TreeHash(c.size, stored)
			check(err == nil && root == c.root, "line %d: tlog.TreeHash of the first %d entries is the checkpoint's root", n+1, c.size)
			if previous != nil {
				out, err := exec.Command(nofly, "consistency-proof", logPath, "--old", fmt.Sprint(previous.size), "--new", fmt.Sprint(c.size)).Output()
				proof, perr := readHashes(string(out))
				ok := err == nil && perr == nil && tlog.CheckTree(proof, c.size, c.root, previous.size, previous.root) == nil
				check(ok, "line %d: tlog.CheckTree: nofly's consistency proof from %d to %d entries holds", n+1, previous.size, c.size)
				// And the same proof does not hold against a swapped pair of roots.
				swapped := tlog.CheckTree(proof, c.size, previous.root, previous.size, c.root) == nil
				check(!swapped || previous.root == c.root, "line %d: tlog.CheckTree refuses the swapped roots", n+1)
			}
			previous = &c
			checkpoints++
		default:
			check(false, "line %d: unknown kind %q", n+1, kind)
		}
	}
	check(checkpoints > 0, "%d entries, %d checkpoints", len(leaves), checkpoints)

	if len(os.Args) > 4 {
		raw, err := os.ReadFile(os.Args[4])
		check(err == nil, "bundle %s reads", os.Args[4])
		var bundle map[string]struct {
			Index int64  `json:"index"`
			Proof string `json:"proof"`
		}
		json.Unmarshal(raw, &bundle)
		for _, name := range []string{"event", "run", "zone"} {
			e := bundle[name]
			head := strings.SplitN(e.Proof, "\n\n", 2)
			lines := strings.Split(head[0], "\n")
			ok := len(head) == 2 && lines[0] == "c2sp.org/tlog-proof@v1" && lines[1] == fmt.Sprintf("index %d", e.Index)
			c, err := parseCheckpoint(head[len(head)-1], verifier)
			proof, perr := readHashes(strings.Join(lines[2:], "\n"))
			ok = ok && err == nil && perr == nil && e.Index < int64(len(leaves))
			if ok {
				ok = tlog.CheckRecord(proof, c.size, c.root, e.Index, tlog.RecordHash(leaves[e.Index])) == nil
			}
			check(ok, "%s: tlog.CheckRecord: entry %d of the log is in the bundle's checkpoint", name, e.Index)
			if name == "event" && len(os.Args) > 5 && err == nil {
				policy, _ := os.ReadFile(os.Args[5])
				names := cosigned(c.text, string(policy))
				fmt.Printf("cosigned by %d witnesses of the policy: %s\n", len(names), strings.Join(names, ", "))
			}
		}
	}
	if failed {
		fmt.Println("NOT VERIFIED")
		os.Exit(1)
	}
	fmt.Println("VERIFIED by golang.org/x/mod/sumdb/note and tlog")
}
