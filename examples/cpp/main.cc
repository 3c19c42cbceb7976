// schemareg_csv reads a CSV file with the Arrow schema the registry serves
// for a schema: the column types come from GET /schema/{id}/{version}/arrow
// (Arrow IPC stream bytes), not from type inference, and a null in a column
// the schema makes non-nullable is an error.
//
//   schemareg_csv http://localhost:8000 ticks_v1 ticks.csv [VERSION]
#include <arrow/api.h>
#include <arrow/csv/api.h>
#include <arrow/io/api.h>
#include <arrow/ipc/api.h>
#include <curl/curl.h>

#include <iostream>
#include <memory>
#include <string>

namespace {

size_t Append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Fetch GETs url and returns the body of a 200.
arrow::Result<std::shared_ptr<arrow::Buffer>> Fetch(const std::string& url) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return arrow::Status::IOError("curl_easy_init failed");
  std::string body;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) return arrow::Status::IOError("GET ", url, ": ", curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  if (status != 200) {
    // The registry's errors are {"error": {"code", "message"}}.
    return arrow::Status::IOError("GET ", url, ": ", status, " ", body);
  }
  return arrow::Buffer::FromString(std::move(body));
}

// RegistrySchema reads a schema version's Arrow schema from the registry.
arrow::Result<std::shared_ptr<arrow::Schema>> RegistrySchema(const std::string& base, const std::string& id,
                                                             const std::string& version) {
  ARROW_ASSIGN_OR_RAISE(auto bytes, Fetch(base + "/schema/" + id + "/" + version + "/arrow"));
  arrow::io::BufferReader reader(bytes);
  arrow::ipc::DictionaryMemo memo;
  return arrow::ipc::ReadSchema(&reader, &memo);
}

arrow::Status Run(const std::string& base, const std::string& id, const std::string& path,
                  const std::string& version) {
  ARROW_ASSIGN_OR_RAISE(auto schema, RegistrySchema(base, id, version));
  std::cout << id << " " << version << ":\n" << schema->ToString() << "\n\n";

  auto convert = arrow::csv::ConvertOptions::Defaults();
  for (const auto& f : schema->fields()) {
    if (arrow::is_nested(f->type()->id())) {
      std::cerr << "skipping " << f->name() << " (" << f->type()->ToString() << "): CSV has no nested values\n";
      continue;
    }
    convert.column_types[f->name()] = f->type();
    convert.include_columns.push_back(f->name());
  }
  ARROW_ASSIGN_OR_RAISE(auto input, arrow::io::ReadableFile::Open(path));
  ARROW_ASSIGN_OR_RAISE(auto reader, arrow::csv::TableReader::Make(arrow::io::default_io_context(), input,
                                                                   arrow::csv::ReadOptions::Defaults(),
                                                                   arrow::csv::ParseOptions::Defaults(), convert));
  ARROW_ASSIGN_OR_RAISE(auto table, reader->Read());
  for (int i = 0; i < table->num_columns(); i++) {
    auto field = schema->GetFieldByName(table->field(i)->name());
    if (field && !field->nullable() && table->column(i)->null_count() > 0) {
      return arrow::Status::Invalid(path, ": column ", field->name(), " has ", table->column(i)->null_count(),
                                    " nulls; the schema makes it non-nullable");
    }
  }
  std::cout << table->num_rows() << " rows read as\n" << table->schema()->ToString() << "\n";
  return arrow::Status::OK();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: schemareg_csv BASE_URL SCHEMA_ID FILE.csv [VERSION]\n";
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  arrow::Status st = Run(argv[1], argv[2], argv[3], argc == 5 ? argv[4] : "latest");
  curl_global_cleanup();
  if (!st.ok()) {
    std::cerr << "schemareg_csv: " << st.ToString() << "\n";
    return 1;
  }
  return 0;
}
