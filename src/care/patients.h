#pragma once
// Patient records (docs/security.md, "Patients and clinicians"): a patient is
// known by an alias that anyone on the care team reads; name, contact and
// hospital identifiers are optional and sealed at rest with the record key,
// each bound to its patient and field so that a ciphertext moved to another
// record or field does not open. Later care work (programs, questionnaires,
// alerts) extends this record; it does not make another.

#include <string>

#include "core/result.h"
#include "store/record_cipher.h"
#include "store/record_store.h"

namespace medvision::care {

struct PatientDetails {
  std::string alias;
  std::string name;         // optional
  std::string contact;      // optional
  std::string identifiers;  // optional: hospital numbers, "MRN 123; NHS 456"
  std::string user_id;      // the patient's own account, "" if none
};

// Checks the details (alias 1-100 characters, others at most 500, valid UTF-8).
Status check_details(const PatientDetails& details);

// The stored record: identifying fields sealed, "" where not given.
PatientRecord seal_patient(const RecordCipher& cipher, const std::string& id,
                           const PatientDetails& details, const std::string& created_by,
                           std::int64_t created_us);

// The record's details, opened.
Result<PatientDetails> open_patient(const RecordCipher& cipher, const PatientRecord& record);

}  // namespace medvision::care
