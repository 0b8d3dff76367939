#include "care/patients.h"

#include "core/utf8.h"

namespace medvision::care {
namespace {

std::string associated(const std::string& id, const char* field) {
  return "patient:" + id + ":" + field;
}

std::string seal_field(const RecordCipher& cipher, const std::string& id, const char* field,
                       const std::string& value) {
  return value.empty() ? std::string() : cipher.seal_text(value, associated(id, field));
}

Result<std::string> open_field(const RecordCipher& cipher, const std::string& id, const char* field,
                               const std::string& sealed) {
  if (sealed.empty()) return std::string();
  auto opened = cipher.open_text(sealed, associated(id, field));
  if (!opened.ok())
    return make_error(ErrorCode::internal, "patient " + id + ": the " + field +
                                               " field does not open with the record key (" +
                                               opened.error().message + ")");
  return opened;
}

}  // namespace

Status check_details(const PatientDetails& d) {
  if (d.alias.empty() || d.alias.size() > 100 || !is_valid_utf8(d.alias))
    return make_error(ErrorCode::invalid_input, "a patient needs an alias of 1 to 100 characters");
  for (const auto* f : {&d.name, &d.contact, &d.identifiers}) {
    if (f->size() > 500 || !is_valid_utf8(*f))
      return make_error(ErrorCode::invalid_input,
                        "name, contact and identifiers have at most 500 characters of UTF-8 text");
  }
  return {};
}

PatientRecord seal_patient(const RecordCipher& cipher, const std::string& id,
                           const PatientDetails& d, const std::string& created_by,
                           std::int64_t created_us) {
  return PatientRecord{id,
                       d.alias,
                       seal_field(cipher, id, "name", d.name),
                       seal_field(cipher, id, "contact", d.contact),
                       seal_field(cipher, id, "identifiers", d.identifiers),
                       d.user_id,
                       created_by,
                       created_us};
}

Result<PatientDetails> open_patient(const RecordCipher& cipher, const PatientRecord& r) {
  PatientDetails d;
  d.alias = r.alias;
  d.user_id = r.user_id;
  auto name = open_field(cipher, r.id, "name", r.name_sealed);
  if (!name.ok()) return name.error();
  auto contact = open_field(cipher, r.id, "contact", r.contact_sealed);
  if (!contact.ok()) return contact.error();
  auto ids = open_field(cipher, r.id, "identifiers", r.identifiers_sealed);
  if (!ids.ok()) return ids.error();
  d.name = *name;
  d.contact = *contact;
  d.identifiers = *ids;
  return d;
}

}  // namespace medvision::care
