package e2e

import (
	"net"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// The Docker image, its compose file and the CI recipes are run by
// .ci/docker.sh (buildah and podman); these tests check, without a
// container engine, what a mistake in them would break first for a user.

// TestHealthcheckDialsLoopbackForWildcardAddr: in the image MOCKPAY_ADDR
// is 0.0.0.0:8470, which the HEALTHCHECK cannot dial as it is.
func TestHealthcheckDialsLoopbackForWildcardAddr(t *testing.T) {
	t.Parallel()
	m := start(t)
	_, port, err := net.SplitHostPort(m.addr)
	if err != nil {
		t.Fatal(err)
	}
	for _, addr := range []string{"0.0.0.0:" + port, "[::]:" + port, ":" + port} {
		t.Run(addr, func(t *testing.T) {
			if code, _, stderr := run(t, []string{"MOCKPAY_ADDR=" + addr}, "healthcheck"); code != 0 {
				t.Errorf("MOCKPAY_ADDR=%s mockpay healthcheck: exit %d, want 0; stderr: %s", addr, code, stderr)
			}
		})
	}
}

// dockerfile is the repository's Dockerfile as instructions: continuation
// lines joined, comments dropped.
func dockerfile(t *testing.T, path string) []string {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(string(raw), "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") || (trimmed == "" && cur.Len() == 0) {
			continue
		}
		if strings.HasSuffix(trimmed, "\\") {
			cur.WriteString(strings.TrimSuffix(trimmed, "\\") + " ")
			continue
		}
		cur.WriteString(trimmed)
		out = append(out, strings.Join(strings.Fields(cur.String()), " "))
		cur.Reset()
	}
	return out
}

func TestDockerfile(t *testing.T) {
	t.Parallel()
	ins := dockerfile(t, "../Dockerfile")
	var froms []string
	final := 0 // index of the final stage's FROM
	for i, in := range ins {
		if strings.HasPrefix(in, "FROM ") {
			froms = append(froms, strings.Fields(in)[1])
			final = i
		}
	}
	has := func(stage []string, re string) bool {
		return slices.ContainsFunc(stage, regexp.MustCompile(re).MatchString)
	}
	last := ins[final:]

	if len(froms) < 2 {
		t.Fatalf("FROM %v: want a build stage and a final stage", froms)
	}
	for _, f := range froms {
		// shared/tools/local-base-images.sh tags the names as written.
		if strings.Contains(f, "$") {
			t.Errorf("FROM %s: a variable in a base image name gets no local stand-in", f)
		}
	}
	if f := froms[len(froms)-1]; f != "scratch" && !strings.Contains(f, "distroless/static") {
		t.Errorf("final stage FROM %s, want scratch or distroless static", f)
	}

	// -X names a variable that must exist, or the version is silently "dev".
	build := regexp.MustCompile(`-X ([\w./-]+)\.(\w+)=`).FindStringSubmatch(strings.Join(ins, "\n"))
	if build == nil {
		t.Fatal("no -ldflags -X stamping the version")
	}
	pkgDir := "../" + strings.TrimPrefix(build[1], "github.com/mockpay/mockpay/")
	if !packageDeclares(t, pkgDir, "var "+build[2]+" ") {
		t.Errorf("-X %s.%s: no such package-level var in %s", build[1], build[2], pkgDir)
	}

	checks := []struct {
		what  string
		stage []string
		re    string
	}{
		{"a static binary", ins[:final], `CGO_ENABLED=0 .*go build`},
		{"-trimpath", ins[:final], `go build .*-trimpath`},
		{"a non-root numeric user", last, `^USER [1-9]\d*(:\d+)?$`},
		{"EXPOSE 8470", last, `^EXPOSE 8470$`},
		{"MOCKPAY_ADDR=0.0.0.0:8470", last, `^ENV .*MOCKPAY_ADDR=0\.0\.0\.0:8470\b`},
		{"MOCKPAY_ALLOWED_HOSTS=*", last, `^ENV .*MOCKPAY_ALLOWED_HOSTS=\*`},
		// exec form: distroless has no shell for CMD-SHELL
		{"HEALTHCHECK running mockpay healthcheck", last, `^HEALTHCHECK .*CMD \["/mockpay", ?"healthcheck"\]$`},
		{"ENTRYPOINT /mockpay", last, `^ENTRYPOINT \["/mockpay"\]$`},
		{"OCI labels", last, `^LABEL .*org\.opencontainers\.image\.source=.*org\.opencontainers\.image\.version=`},
	}
	for _, c := range checks {
		if !has(c.stage, c.re) {
			t.Errorf("Dockerfile: no %s (want a line matching %s)", c.what, c.re)
		}
	}
}

// packageDeclares reports whether a non-test Go file in dir contains decl.
func packageDeclares(t *testing.T, dir, decl string) bool {
	t.Helper()
	files, err := filepath.Glob(dir + "/*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(src), "\n"+decl) {
			return true
		}
	}
	return false
}

func readYAML(t *testing.T, path string, out any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// examplePaths are the repository files a CI command runs.
var examplePaths = regexp.MustCompile(`examples/[\w./-]+`)

func checkRunsExistingFiles(t *testing.T, recipe string, commands []string) {
	t.Helper()
	n := 0
	for _, c := range commands {
		for _, p := range examplePaths.FindAllString(c, -1) {
			n++
			if _, err := os.Stat("../" + p); err != nil {
				t.Errorf("%s runs %s: %v", recipe, p, err)
			}
		}
	}
	if n == 0 {
		t.Errorf("%s runs none of the example tests", recipe)
	}
}

func TestComposeExample(t *testing.T) {
	t.Parallel()
	type build struct {
		Context    string `yaml:"context"`
		Dockerfile string `yaml:"dockerfile"`
	}
	var compose struct {
		Services map[string]struct {
			Build       build             `yaml:"build"`
			Image       string            `yaml:"image"`
			Ports       []string          `yaml:"ports"`
			Environment map[string]string `yaml:"environment"`
			Healthcheck *struct {
				Test any `yaml:"test"`
			} `yaml:"healthcheck"`
			DependsOn map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
		} `yaml:"services"`
	}
	const dir = "../examples/compose/"
	readYAML(t, dir+"compose.yaml", &compose)

	mp, ok := compose.Services["mockpay"]
	if !ok {
		t.Fatal("no mockpay service")
	}
	if !slices.ContainsFunc(mp.Ports, func(p string) bool { return strings.HasSuffix(p, ":8470") }) {
		t.Errorf("mockpay ports %v publish no 8470", mp.Ports)
	}
	for name, s := range compose.Services {
		df := s.Build.Dockerfile
		if df == "" {
			df = "Dockerfile"
		}
		if _, err := os.Stat(filepath.Join(dir, s.Build.Context, df)); err != nil {
			t.Errorf("service %s builds %s in %s: %v", name, df, s.Build.Context, err)
		}
		// A string test runs under /bin/sh, which distroless lacks.
		if s.Healthcheck != nil {
			if l, ok := s.Healthcheck.Test.([]any); !ok || len(l) == 0 || l[0] != "CMD" {
				t.Errorf("service %s: healthcheck test %v, want the exec form [\"CMD\", ...]", name, s.Healthcheck.Test)
			}
		}
	}
	merchant, ok := compose.Services["merchant"]
	if !ok {
		t.Fatal("no merchant service")
	}
	if got := merchant.DependsOn["mockpay"].Condition; got != "service_healthy" {
		t.Errorf("merchant depends_on mockpay condition %q, want service_healthy", got)
	}
	// The receiver must listen beyond loopback for mockpay to reach it.
	ins := dockerfile(t, filepath.Join(dir, merchant.Build.Context, merchant.Build.Dockerfile))
	if !slices.ContainsFunc(ins, regexp.MustCompile(`^ENV .*HOST=0\.0\.0\.0`).MatchString) && merchant.Environment["HOST"] != "0.0.0.0" {
		t.Error("the merchant listens on loopback only: set HOST=0.0.0.0")
	}
}

func TestGitHubActionsExample(t *testing.T) {
	t.Parallel()
	var wf struct {
		Jobs map[string]struct {
			Services map[string]struct {
				Image   string   `yaml:"image"`
				Ports   []string `yaml:"ports"`
				Options string   `yaml:"options"`
			} `yaml:"services"`
			Env   map[string]string `yaml:"env"`
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	readYAML(t, "../examples/ci/github-actions.yml", &wf)
	job, ok := wf.Jobs["test"]
	if !ok {
		t.Fatal("no job test")
	}
	svc, ok := job.Services["mockpay"]
	if !ok {
		t.Fatal("no mockpay service")
	}
	if !slices.Contains(svc.Ports, "8470:8470") {
		t.Errorf("ports %v, want 8470:8470", svc.Ports)
	}
	if !strings.Contains(svc.Options, "--health-interval") {
		t.Errorf("options %q set no health interval", svc.Options)
	}
	if strings.Contains(svc.Options, "--health-cmd") {
		t.Errorf("options %q: --health-cmd runs under a shell the image lacks; the image's HEALTHCHECK is enough", svc.Options)
	}
	if job.Env["MOCKPAY_URL"] != "http://127.0.0.1:8470" {
		t.Errorf("MOCKPAY_URL %q, want the published port on the runner", job.Env["MOCKPAY_URL"])
	}
	var runs []string
	for _, s := range job.Steps {
		runs = append(runs, s.Run)
	}
	checkRunsExistingFiles(t, "github-actions.yml", runs)
}

func TestGitLabCIExample(t *testing.T) {
	t.Parallel()
	var ci map[string]struct {
		Services []struct {
			Name  string `yaml:"name"`
			Alias string `yaml:"alias"`
		} `yaml:"services"`
		Variables map[string]string `yaml:"variables"`
		Script    []string          `yaml:"script"`
	}
	readYAML(t, "../examples/ci/gitlab-ci.yml", &ci)
	job, ok := ci["test"]
	if !ok {
		t.Fatal("no job test")
	}
	if len(job.Services) != 1 || job.Services[0].Alias != "mockpay" {
		t.Fatalf("services %+v, want one with alias mockpay", job.Services)
	}
	if job.Variables["MOCKPAY_URL"] != "http://mockpay:8470" {
		t.Errorf("MOCKPAY_URL %q, want http://mockpay:8470 (the alias)", job.Variables["MOCKPAY_URL"])
	}
	checkRunsExistingFiles(t, "gitlab-ci.yml", job.Script)
}
