package image

import (
	"os"
	"strings"
	"testing"
)

// TestDockerfileMatchesImage checks the Dockerfile gives the layout Build
// gives: the empty base, the entrypoint, the user, the CA bundle, the
// passwd entry and every OCI label but the creation time.
func TestDockerfileMatchesImage(t *testing.T) {
	data, err := os.ReadFile("../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(data)
	want := []string{
		"FROM scratch",
		`ENTRYPOINT ["` + Binary + `"]`,
		`CMD ["serve"]`,
		"USER " + User,
		"-o /out" + Binary,
		"/out/etc/ssl/certs/",
		"schemareg:x:65532:65532:schemareg:/home/schemareg:/sbin/nologin",
		"CGO_ENABLED=0",
		"-trimpath",
	}
	for k := range Labels(Config{}) {
		if k != "org.opencontainers.image.created" {
			want = append(want, k+"=")
		}
	}
	for _, w := range want {
		if !strings.Contains(df, w) {
			t.Errorf("the Dockerfile lacks %q", w)
		}
	}
	var froms []string
	for _, line := range strings.Split(df, "\n") {
		if strings.HasPrefix(line, "FROM ") {
			froms = append(froms, line)
		}
	}
	if len(froms) != 2 || froms[1] != "FROM scratch" {
		t.Errorf("stages %q: want a build stage and a final FROM scratch", froms)
	}
}
