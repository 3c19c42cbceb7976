package snapshot

import (
	"context"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// redacted replaces a credential in an error's text.
const redacted = "[REDACTED]"

// s3Secrets finds what an S3 request carries of its credentials, should an
// endpoint echo the request into its error: an access key id (AKIA…,
// ASIA…), the Credential= and Signature= of an Authorization header or a
// presigned URL, and a session token header or parameter.
var s3Secrets = []*regexp.Regexp{
	regexp.MustCompile(`\b(?:AKIA|ASIA|AIDA|AROA|AGPA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{12,}\b`),
	regexp.MustCompile(`(?i)(Credential=)[^,\s&"'<]+`),
	regexp.MustCompile(`(?i)(Signature=)[0-9a-f]+`),
	regexp.MustCompile(`(?i)(X-Amz-Security-Token(?:"?\s*[:=]\s*"?|%3A|%3D))[^\s&"'<,]+`),
	regexp.MustCompile(`(?i)(X-Amz-Signature(?:"?\s*[:=]\s*"?))[0-9a-f]+`),
}

// redactError hides the S3 credentials in an error's text: the literal
// values the store signs with, and anything shaped like one.
type redactError struct {
	msg string
	err error
}

// Error returns the message with the credentials replaced.
func (e *redactError) Error() string { return e.msg }

// Unwrap returns the error as the SDK returned it, for errors.Is and
// errors.As; its text is not redacted.
func (e *redactError) Unwrap() error { return e.err }

// redact returns err with every credential the store knows of, and every
// credential-shaped string, taken out of its text. The credentials are
// those the SDK has already retrieved for the request that failed, so
// asking for them again reads its cache.
func (s *S3Store) redact(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	var secrets []string
	if s.creds != nil {
		if c, cerr := s.creds.Retrieve(ctx); cerr == nil {
			secrets = append(secrets, c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
		}
	}
	secrets = append(secrets, s.static...)
	msg := redactText(err.Error(), secrets)
	if msg == err.Error() {
		return err
	}
	return &redactError{msg: msg, err: err}
}

// redactText replaces the literal secrets (those of at least 4 bytes) and
// the credential patterns in text.
func redactText(text string, secrets []string) string {
	for _, sec := range secrets {
		if len(sec) >= 4 {
			text = strings.ReplaceAll(text, sec, redacted)
		}
	}
	for _, re := range s3Secrets {
		text = re.ReplaceAllStringFunc(text, func(m string) string {
			sub := re.FindStringSubmatch(m)
			if len(sub) > 1 {
				return sub[1] + redacted
			}
			return redacted
		})
	}
	return text
}

// credentialsOf returns the provider the SDK signs with.
func credentialsOf(cfg aws.Config) aws.CredentialsProvider { return cfg.Credentials }
