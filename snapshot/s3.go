package snapshot

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// DefaultPartSize is the size of one part of a multipart upload.
const DefaultPartSize = 16 << 20

// metaSHA256 is the object metadata key that carries a snapshot's sha256.
const metaSHA256 = "sha256"

// S3Config configures an S3Store. Empty fields fall back to the AWS
// SDK's defaults: AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
// AWS_ENDPOINT_URL_S3, shared config files, instance roles.
type S3Config struct {
	Bucket string
	// Prefix is the folder of the snapshots in the bucket, without slashes
	// at its ends; "" for the bucket's root.
	Prefix string
	Region string
	// Endpoint is the S3 endpoint URL, for S3-compatible stores.
	Endpoint string
	// PathStyle addresses buckets as endpoint/bucket, not bucket.endpoint.
	PathStyle bool
	// AccessKeyID, SecretAccessKey and SessionToken are static credentials.
	AccessKeyID, SecretAccessKey, SessionToken string
	// PartSize is the size of a multipart upload's parts; default DefaultPartSize.
	PartSize int64
}

// String describes the configuration without its secret key.
func (c S3Config) String() string {
	s := "s3://" + c.Bucket + "/" + c.Prefix
	if c.Endpoint != "" {
		s += " at " + c.Endpoint
	}
	return s
}

// S3Store keeps snapshots as objects PREFIX/NAME, with their sha256 in the
// object's metadata and in an object PREFIX/NAME.sha256.
type S3Store struct {
	client   *s3.Client
	creds    aws.CredentialsProvider // to redact what it signs with from errors
	static   []string                // the configured credentials, likewise
	bucket   string
	prefix   string
	partSize int64
}

// NewS3Store returns a store in the bucket cfg names.
func NewS3Store(ctx context.Context, cfg S3Config) (*S3Store, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("s3: no bucket")
	}
	var opts []func(*config.LoadOptions) error
	if cfg.Region != "" {
		opts = append(opts, config.WithRegion(cfg.Region))
	}
	if cfg.AccessKeyID != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken)))
	}
	awsCfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return nil, fmt.Errorf("s3: cannot load aws config: %w", err)
	}
	if awsCfg.Region == "" {
		awsCfg.Region = "us-east-1"
	}
	client := s3.NewFromConfig(awsCfg, func(o *s3.Options) {
		if cfg.Endpoint != "" {
			o.BaseEndpoint = aws.String(cfg.Endpoint)
		}
		o.UsePathStyle = cfg.PathStyle
		// Checksums only where S3 requires them: S3-compatible stores
		// differ in which checksum headers and trailers they accept.
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		o.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})
	size := cfg.PartSize
	if size <= 0 {
		size = DefaultPartSize
	}
	return &S3Store{client: client, creds: credentialsOf(awsCfg), static: []string{cfg.AccessKeyID, cfg.SecretAccessKey, cfg.SessionToken},
		bucket: cfg.Bucket, prefix: strings.Trim(cfg.Prefix, "/"), partSize: size}, nil
}

func (s *S3Store) key(name string) string {
	if s.prefix == "" {
		return name
	}
	return path.Join(s.prefix, name)
}

// Put uploads the checksum object, then the snapshot: in one PutObject when
// it fits a part, else as a multipart upload, which S3 shows under its name
// only once complete and which is aborted when it fails. Each part is held
// in memory, so its length is known and the SDK can sign it over plain HTTP.
func (s *S3Store) Put(ctx context.Context, name string, r io.Reader, sum string) (err error) {
	defer func() { err = s.redact(ctx, err) }()
	if err := validName(name); err != nil {
		return err
	}
	key := s.key(name)
	sumBytes := checksumLine(sum, name)
	_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
		Bucket: &s.bucket, Key: aws.String(key + ChecksumSuffix),
		Body: bytes.NewReader(sumBytes), ContentLength: aws.Int64(int64(len(sumBytes))),
		ContentType: aws.String("text/plain"),
	})
	if err != nil {
		return fmt.Errorf("s3: put %s: %w", key+ChecksumSuffix, err)
	}
	if err := s.upload(ctx, key, r, map[string]string{metaSHA256: sum}); err != nil {
		s.deleteQuietly(key + ChecksumSuffix)
		return fmt.Errorf("s3: put %s: %w", key, err)
	}
	return nil
}

func (s *S3Store) upload(ctx context.Context, key string, r io.Reader, meta map[string]string) error {
	first := make([]byte, s.partSize)
	n, err := io.ReadFull(r, first)
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		_, err = s.client.PutObject(ctx, &s3.PutObjectInput{
			Bucket: &s.bucket, Key: &key, Metadata: meta,
			Body: bytes.NewReader(first[:n]), ContentLength: aws.Int64(int64(n)),
		})
		return err
	}
	if err != nil {
		return err
	}
	up, err := s.client.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: &s.bucket, Key: &key, Metadata: meta})
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
			defer cancel()
			s.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{Bucket: &s.bucket, Key: &key, UploadId: up.UploadId})
		}
	}()
	var parts []types.CompletedPart
	buf := first
	for num := int32(1); ; num++ {
		out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
			Bucket: &s.bucket, Key: &key, UploadId: up.UploadId, PartNumber: aws.Int32(num),
			Body: bytes.NewReader(buf[:n]), ContentLength: aws.Int64(int64(n)),
		})
		if err != nil {
			return fmt.Errorf("part %d: %w", num, err)
		}
		parts = append(parts, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(num)})
		n, err = io.ReadFull(r, buf)
		if err == io.EOF {
			break
		}
		if err != nil && err != io.ErrUnexpectedEOF {
			return err
		}
	}
	_, err = s.client.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{
		Bucket: &s.bucket, Key: &key, UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: parts},
	})
	if err != nil {
		return err
	}
	ok = true
	return nil
}

func (s *S3Store) deleteQuietly(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: &key})
}

// Get opens the snapshot object and reads its checksum object, or its
// metadata when there is no checksum object.
func (s *S3Store) Get(ctx context.Context, name string) (body io.ReadCloser, sum string, err error) {
	defer func() { err = s.redact(ctx, err) }()
	if err := validName(name); err != nil {
		return nil, "", err
	}
	key := s.key(name)
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: &key})
	if err != nil {
		var nsk *types.NoSuchKey
		if errors.As(err, &nsk) {
			return nil, "", fmt.Errorf("s3: %s: %w", key, ErrNotFound)
		}
		return nil, "", fmt.Errorf("s3: get %s: %w", key, err)
	}
	sum, err = s.checksum(ctx, key)
	if err != nil {
		sum = out.Metadata[metaSHA256]
		if sum == "" {
			out.Body.Close()
			return nil, "", err
		}
	}
	return out.Body, sum, nil
}

func (s *S3Store) checksum(ctx context.Context, key string) (string, error) {
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: &s.bucket, Key: aws.String(key + ChecksumSuffix)})
	if err != nil {
		return "", fmt.Errorf("s3: checksum of %s: %w", key, err)
	}
	defer out.Body.Close()
	data, err := io.ReadAll(io.LimitReader(out.Body, 4096))
	if err != nil {
		return "", fmt.Errorf("s3: checksum of %s: %w", key, err)
	}
	return parseChecksum(data)
}

// List lists the snapshot objects under the prefix, sorted by name.
func (s *S3Store) List(ctx context.Context) (infos []Info, err error) {
	defer func() { err = s.redact(ctx, err) }()
	prefix := ""
	if s.prefix != "" {
		prefix = s.prefix + "/"
	}
	var out []Info
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{Bucket: &s.bucket, Prefix: &prefix, Delimiter: aws.String("/")})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("s3: list %s/%s: %w", s.bucket, prefix, err)
		}
		for _, o := range page.Contents {
			name := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if validName(name) != nil {
				continue
			}
			out = append(out, Info{Name: name, Size: aws.ToInt64(o.Size)})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Delete removes the snapshot object and its checksum object.
func (s *S3Store) Delete(ctx context.Context, name string) (err error) {
	defer func() { err = s.redact(ctx, err) }()
	if err := validName(name); err != nil {
		return err
	}
	for _, key := range []string{s.key(name), s.key(name) + ChecksumSuffix} {
		if _, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: &s.bucket, Key: aws.String(key)}); err != nil {
			return fmt.Errorf("s3: delete %s: %w", key, err)
		}
	}
	return nil
}
