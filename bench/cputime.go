package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// On a shared machine a server's req/s depends on what else runs; the CPU
// time it spends per request much less so (it still grows somewhat when
// other processes evict its caches). Both are printed. The CPU ratio —
// baseline's CPU per request ÷ mockpay's — is the req/s ratio the two would
// reach were the server alone the bottleneck. With the generator on the same
// cores (as wrk was in the measurement) a closed loop on an
// otherwise idle machine runs at about cores ÷ (generator's CPU per request
// + server's), so the "idle estimate" is (g + baseline) ÷ (g + mockpay).

// clockTick is the unit of /proc/PID/stat's times: USER_HZ, 100 on every
// Linux architecture Go runs on.
const clockTick = 10 * time.Millisecond

// cpuTime is the user plus system CPU time the child has used so far.
func (c *child) cpuTime() (time.Duration, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", c.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) is in parentheses and may hold spaces:
	// count fields after its closing one. utime and stime are fields 14
	// and 15, so the 12th and 13th after it.
	s := string(raw)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("short /proc/%d/stat", c.cmd.Process.Pid)
	}
	user, err1 := strconv.ParseInt(f[11], 10, 64)
	sys, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("unreadable /proc/%d/stat", c.cmd.Process.Pid)
	}
	return time.Duration(user+sys) * clockTick, nil
}

// selfCPU is the CPU time this process (the load generator) has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measured runs run and reports the CPU time c and the generator spent
// meanwhile (server 0 when it cannot be read: not Linux).
func measured(c *child, run func() result) (r result, server, generator time.Duration) {
	before, err := c.cpuTime()
	gen := selfCPU()
	r = run()
	generator = selfCPU() - gen
	after, err2 := c.cpuTime()
	if err != nil || err2 != nil {
		return r, 0, generator
	}
	return r, after - before, generator
}

// perRequest formats CPU time per request in microseconds.
func perRequest(cpu time.Duration, n int) string {
	if cpu == 0 || n == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f µs", float64(cpu.Microseconds())/float64(n))
}
