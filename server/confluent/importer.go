package confluent

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// MaxImportResponse bounds one answer of the registry an import reads.
const MaxImportResponse = 16 << 20

// MaxImportVersions bounds the versions one import reads.
const MaxImportVersions = 100000

// Source reads a Confluent-compatible registry: Confluent, Karapace,
// Apicurio's ccompat API, or schemareg's own.
type Source struct {
	// URL is the registry's base URL, e.g. http://host:8081.
	URL string
	// HTTP is the client; nil is http.DefaultClient.
	HTTP *http.Client
}

// SourceVersion is one version of one subject as the registry serves it.
type SourceVersion struct {
	Subject    string      `json:"subject"`
	ID         int         `json:"id"`
	Version    int         `json:"version"`
	SchemaType string      `json:"schemaType"`
	Schema     string      `json:"schema"`
	References []Reference `json:"references"`
}

// SourceSubject is a subject, its compatibility mode and its versions,
// oldest first.
type SourceSubject struct {
	Name     string
	Mode     string
	Type     string // AVRO, PROTOBUF or JSON, of the latest version
	Versions []SourceVersion
}

func (s *Source) get(ctx context.Context, path string, into any) (int, error) {
	u := strings.TrimSuffix(s.URL, "/") + path
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, fmt.Errorf("get %s: %w", u, err)
	}
	req.Header.Set("Accept", ContentType+", application/json")
	hc := s.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, fmt.Errorf("get %s: %w", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, MaxImportResponse+1))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("get %s: %w", u, err)
	}
	if len(body) > MaxImportResponse {
		return resp.StatusCode, fmt.Errorf("get %s: answer over %d bytes", u, MaxImportResponse)
	}
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, fmt.Errorf("get %s: %s: %s", u, resp.Status, clip(string(bytes.TrimSpace(body))))
	}
	if err := json.Unmarshal(body, into); err != nil {
		return resp.StatusCode, fmt.Errorf("get %s: answer is not the JSON expected: %w", u, err)
	}
	return resp.StatusCode, nil
}

// Subjects reads every subject whose name match accepts (nil: all), with
// its mode and versions, sorted by name.
func (s *Source) Subjects(ctx context.Context, match *regexp.Regexp) ([]SourceSubject, error) {
	var names []string
	if _, err := s.get(ctx, "/subjects", &names); err != nil {
		return nil, err
	}
	sort.Strings(names)
	var global ConfigAnswer
	if _, err := s.get(ctx, "/config", &global); err != nil || global.CompatibilityLevel == "" {
		global.CompatibilityLevel = "BACKWARD"
	}
	var out []SourceSubject
	total := 0
	for _, name := range names {
		if match != nil && !match.MatchString(name) {
			continue
		}
		esc := url.PathEscape(name)
		var ns []int
		if _, err := s.get(ctx, "/subjects/"+esc+"/versions", &ns); err != nil {
			return nil, err
		}
		sort.Ints(ns)
		if total += len(ns); total > MaxImportVersions {
			return nil, fmt.Errorf("the registry has over %d versions; import fewer subjects with --subjects", MaxImportVersions)
		}
		sub := SourceSubject{Name: name, Mode: global.CompatibilityLevel}
		var cfg ConfigAnswer
		if code, err := s.get(ctx, "/config/"+esc, &cfg); err == nil && cfg.CompatibilityLevel != "" {
			sub.Mode = cfg.CompatibilityLevel
		} else if err != nil && code != http.StatusNotFound {
			return nil, err
		}
		for _, n := range ns {
			var v SourceVersion
			if _, err := s.get(ctx, "/subjects/"+esc+"/versions/"+strconv.Itoa(n), &v); err != nil {
				return nil, err
			}
			if v.SchemaType == "" {
				v.SchemaType = "AVRO" // Confluent leaves the default type out
			}
			v.Subject = name
			sub.Versions = append(sub.Versions, v)
			sub.Type = v.SchemaType
		}
		out = append(out, sub)
	}
	return out, nil
}
