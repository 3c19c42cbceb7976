package kubernetes

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
)

const image = "ghcr.io/schemareg/schemareg"

// otherEnv are the variables schemareg reads that are not its own flags:
// the Go runtime's and the AWS SDK's.
var otherEnv = map[string]bool{"GOMEMLIMIT": true, "AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true}

// usage is what `schemareg <cmd> -h` says a command accepts.
type usage struct {
	flags map[string]bool
	env   map[string]bool
	addr  string
}

var (
	flagLine = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)
	envName  = regexp.MustCompile(`\((SCHEMAREG_[A-Z0-9_]+)\)`)
	addrDef  = regexp.MustCompile(`(?s)-addr .*?\(default "([^"]*)"\)`)
	route    = regexp.MustCompile(`\{"(/[^"]*)"`)
)

func readUsage(t *testing.T, bin, cmd string) usage {
	t.Helper()
	out, _ := exec.Command(bin, cmd, "-h").CombinedOutput()
	u := usage{flags: map[string]bool{}, env: map[string]bool{}}
	for _, m := range flagLine.FindAllStringSubmatch(string(out), -1) {
		u.flags[m[1]] = true
	}
	for _, m := range envName.FindAllStringSubmatch(string(out), -1) {
		u.env[m[1]] = true
	}
	if m := addrDef.FindStringSubmatch(string(out)); m != nil {
		u.addr = m[1]
	}
	if len(u.flags) == 0 {
		t.Fatalf("schemareg %s -h listed no flags:\n%s", cmd, out)
	}
	return u
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "schemareg")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/schemareg")
	cmd.Dir = "../.."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// serverRoutes reads the paths of the server's route table.
func serverRoutes(t *testing.T) map[string]bool {
	t.Helper()
	src, err := os.ReadFile("../../server/routes.go")
	if err != nil {
		t.Fatal(err)
	}
	routes := map[string]bool{}
	for _, m := range route.FindAllStringSubmatch(string(src), -1) {
		routes[m[1]] = true
	}
	if !routes["/health"] {
		t.Fatalf("found no /health among the server's routes %v", routes)
	}
	return routes
}

// TestManifestsMatchBinary builds the base and the example overlay and
// checks every schemareg container against the binary: its command, flags,
// environment variables, port and probe paths.
func TestManifestsMatchBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)
	routes := serverRoutes(t)
	usages := map[string]usage{}
	for _, dir := range []string{"base", "overlays/example"} {
		for _, obj := range build(t, dir) {
			for _, c := range containers(obj) {
				if !strings.HasPrefix(c.Image, image+":") {
					continue
				}
				where := dir + ": container " + c.Name
				if dir == "overlays/example" && c.Image != image+":v1.0.0" {
					t.Errorf("%s: image %s, want the overlay's pin %s:v1.0.0", where, c.Image, image)
				}
				if len(c.Args) == 0 {
					t.Errorf("%s: no command in args", where)
					continue
				}
				u, ok := usages[c.Args[0]]
				if !ok {
					u = readUsage(t, bin, c.Args[0])
					usages[c.Args[0]] = u
				}
				checkContainer(t, where, c, u, routes)
			}
		}
	}
}

func checkContainer(t *testing.T, where string, c corev1.Container, u usage, routes map[string]bool) {
	addr := u.addr
	for _, a := range c.Args[1:] {
		name, _, _ := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || !u.flags[name] {
			t.Errorf("%s: argument %q is not a flag of schemareg %s", where, a, c.Args[0])
		}
	}
	for _, e := range c.Env {
		if !u.env[e.Name] && !otherEnv[e.Name] {
			t.Errorf("%s: environment variable %s is not read by schemareg %s", where, e.Name, c.Args[0])
		}
		if e.Name == "SCHEMAREG_ADDR" || e.Name == "SCHEMAREG_METRICS_ADDR" {
			addr = e.Value
		}
	}
	ports := map[string]int32{}
	for _, p := range c.Ports {
		ports[p.Name] = p.ContainerPort
		if _, port, _ := strings.Cut(addr, ":"); addr == "" || port != strconv.Itoa(int(p.ContainerPort)) {
			t.Errorf("%s: port %d is not where schemareg %s listens (%q)", where, p.ContainerPort, c.Args[0], addr)
		}
	}
	for kind, p := range map[string]*corev1.Probe{"liveness": c.LivenessProbe, "readiness": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil {
			continue
		}
		if !routes[p.HTTPGet.Path] {
			t.Errorf("%s: %s probe path %s is not a server route", where, kind, p.HTTPGet.Path)
		}
		if name := p.HTTPGet.Port.StrVal; name != "" && ports[name] == 0 {
			t.Errorf("%s: %s probe port %q names no container port", where, kind, name)
		}
	}
}

func containers(obj any) []corev1.Container {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return o.Spec.Template.Spec.Containers
	case *appsv1.StatefulSet:
		return o.Spec.Template.Spec.Containers
	case *batchv1.CronJob:
		return o.Spec.JobTemplate.Spec.Template.Spec.Containers
	}
	return nil
}

// TestDeploymentShape checks what the deployment promises: 3 servers with
// their resources and probes and a disruption budget, 2 elected syncers, a
// nightly snapshot with retention, a 3-node etcd with volumes and TLS, and
// no Secret kept in the manifests.
func TestDeploymentShape(t *testing.T) {
	byName := map[string]any{}
	for _, obj := range build(t, "overlays/example") {
		switch o := obj.(type) {
		case *appsv1.Deployment:
			byName["Deployment/"+o.Name] = o
		case *appsv1.StatefulSet:
			byName["StatefulSet/"+o.Name] = o
		case *batchv1.CronJob:
			byName["CronJob/"+o.Name] = o
		case *policyv1.PodDisruptionBudget:
			byName["PodDisruptionBudget/"+o.Name] = o
		case *corev1.Service:
			byName["Service/"+o.Name] = o
		}
	}
	server, ok := byName["Deployment/schemareg-server"].(*appsv1.Deployment)
	if !ok {
		t.Fatal("no Deployment schemareg-server")
	}
	if *server.Spec.Replicas != 3 {
		t.Errorf("server replicas = %d, want 3", *server.Spec.Replicas)
	}
	c := server.Spec.Template.Spec.Containers[0]
	for name, pair := range map[string][2]string{
		"requests.memory": {c.Resources.Requests.Memory().String(), "256Mi"},
		"requests.cpu":    {c.Resources.Requests.Cpu().String(), "250m"},
		"limits.memory":   {c.Resources.Limits.Memory().String(), "512Mi"},
		"limits.cpu":      {c.Resources.Limits.Cpu().String(), "500m"},
		"liveness":        {c.LivenessProbe.HTTPGet.Path, "/health"},
		"readiness":       {c.ReadinessProbe.HTTPGet.Path, "/ready"},
	} {
		if pair[0] != pair[1] {
			t.Errorf("server %s = %s, want %s", name, pair[0], pair[1])
		}
	}
	if _, ok := byName["PodDisruptionBudget/schemareg-server"]; !ok {
		t.Error("no PodDisruptionBudget for the server")
	}
	if _, ok := byName["Service/schemareg"]; !ok {
		t.Error("no Service for the server")
	}
	syncer, ok := byName["Deployment/schemareg-syncer"].(*appsv1.Deployment)
	if !ok || *syncer.Spec.Replicas != 2 {
		t.Error("want a Deployment schemareg-syncer with 2 replicas")
	}
	cron, ok := byName["CronJob/schemareg-snapshot"].(*batchv1.CronJob)
	if !ok {
		t.Fatal("no CronJob schemareg-snapshot")
	}
	env := map[string]string{}
	for _, e := range cron.Spec.JobTemplate.Spec.Template.Spec.Containers[0].Env {
		env[e.Name] = e.Value
	}
	if !strings.HasPrefix(env["SCHEMAREG_TO"], "s3://acme-") || env["SCHEMAREG_KEEP"] == "" {
		t.Errorf("snapshot: SCHEMAREG_TO %q (want the overlay's bucket), SCHEMAREG_KEEP %q (want a retention)", env["SCHEMAREG_TO"], env["SCHEMAREG_KEEP"])
	}
	etcd, ok := byName["StatefulSet/etcd"].(*appsv1.StatefulSet)
	if !ok || *etcd.Spec.Replicas != 3 || len(etcd.Spec.VolumeClaimTemplates) == 0 {
		t.Fatal("want a StatefulSet etcd with 3 replicas and persistent volumes")
	}
	for _, e := range etcd.Spec.Template.Spec.Containers[0].Env {
		if strings.HasSuffix(e.Name, "_URLS") && strings.Contains(e.Value, "2379") && !strings.HasPrefix(e.Value, "https://") {
			t.Errorf("etcd %s = %s, want TLS", e.Name, e.Value)
		}
	}
}
