#include "app/keys_command.h"

#include <cstdio>
#include <functional>
#include <string>
#include <vector>

#include "library/image_library.h"
#include "store/record_cipher.h"
#include "store/record_store.h"

namespace medvision {
namespace {

struct RotateOptions {
  std::string db;
  std::string data_dir = "var";
  std::string key_file;  // the current key; "" means MEDVISION_RECORD_KEY or <data>/record.key
  std::string new_key_file;
};

// One sealed value to move to the new key.
struct SealedItem {
  RecordStore::SealedColumn column;
  std::string id;                             // the row
  std::string associated;                     // what the seal is bound to
  std::function<Result<std::string>()> read;  // the stored (sealed) value
  bool text = true;                           // sealed text ("enc1:...") or sealed bytes
};

Status rotate(const RotateOptions& o) {
  const std::string db = o.db.empty() ? "sqlite:" + o.data_dir + "/medvision.db" : o.db;
  auto old_cipher = library::record_cipher_for(o.data_dir, o.key_file);
  if (!old_cipher.ok()) return old_cipher.error();
  auto new_key = RecordCipher::key_from_file(o.new_key_file);
  if (!new_key.ok()) return new_key.error();
  const RecordCipher cipher(*new_key);
  const std::string new_id = cipher.key_id();
  if (new_id == old_cipher->key_id())
    return make_error(ErrorCode::invalid_input, "the new key is the current key");
  auto opened = open_store(db);
  if (!opened.ok()) return opened.error();
  RecordStore& store = **opened;
  MV_TRY(store.migrate());

  using C = RecordStore::SealedColumn;
  std::vector<SealedItem> items;
  auto patients = store.list_patients();
  if (!patients.ok()) return patients.error();
  for (const auto& p : *patients) {
    const std::pair<C, std::string> fields[] = {{C::patient_name, "name"},
                                                {C::patient_contact, "contact"},
                                                {C::patient_identifiers, "identifiers"}};
    for (const auto& [column, field] : fields) {
      const std::string id = p.id;
      const std::string f = field;
      items.push_back({column, id, "patient:" + id + ":" + f, [&store, id, column] {
                         auto r = store.get_patient(id);
                         if (!r.ok()) return Result<std::string>(r.error());
                         return Result<std::string>(column == C::patient_name ? r->name_sealed
                                                    : column == C::patient_contact
                                                        ? r->contact_sealed
                                                        : r->identifiers_sealed);
                       }});
    }
  }
  auto studies = store.list_studies();
  if (!studies.ok()) return studies.error();
  for (const auto& s : *studies) {
    if (s.library != library::kPatient) continue;
    const std::string sid = s.id;
    const std::pair<C, std::string> fields[] = {{C::study_title, "title"},
                                                {C::study_description, "description"},
                                                {C::study_patient_id, "patient_id"}};
    for (const auto& [column, field] : fields) {
      items.push_back({column, sid, sid + "." + field, [&store, sid, column] {
                         auto r = store.get_study(sid);
                         if (!r.ok()) return Result<std::string>(r.error());
                         return Result<std::string>(column == C::study_title ? r->title
                                                    : column == C::study_description
                                                        ? r->description
                                                        : r->patient_id);
                       }});
    }
    auto series = store.list_series(sid);
    if (!series.ok()) return series.error();
    for (const auto& one : *series) {
      const std::string ser = one.id;
      items.push_back({C::series_description, ser, ser + ".description", [&store, ser] {
                         auto r = store.get_series(ser);
                         if (!r.ok()) return Result<std::string>(r.error());
                         return Result<std::string>(r->description);
                       }});
      std::vector<std::string> blobs = {library::volume_json_id(ser), library::volume_raw_id(ser),
                                        library::voxels_id(ser)};
      auto models = store.list_models(ser);
      if (!models.ok()) return models.error();
      for (const auto& m : *models) {
        blobs.push_back(library::glb_id(m.id));
        blobs.push_back(library::stl_id(m.id));
      }
      for (const auto& blob : blobs) {
        SealedItem item{C::artifact_data, blob, blob, [&store, blob] {
                          auto r = store.get_artifact(blob);
                          if (!r.ok()) return Result<std::string>(r.error());
                          return Result<std::string>(std::move(r->data));
                        }};
        item.text = false;
        items.push_back(std::move(item));
      }
    }
  }

  std::size_t done = 0, moved = 0, skipped = 0;
  std::printf("medvision keys rotate: %zu sealed values to check; new key %s\n", items.size(),
              new_id.c_str());
  for (const auto& item : items) {
    ++done;
    auto stored = item.read();
    if (!stored.ok()) {
      if (stored.error().code == ErrorCode::not_found) {  // a blob never written
        ++skipped;
        continue;
      }
      return stored.error();
    }
    const auto id = RecordCipher::sealed_key_id(*stored);
    if (!id || *id == new_id) {  // empty (not sealed) or already moved
      ++skipped;
    } else {
      auto plain = item.text ? old_cipher->open_text(*stored, item.associated)
                             : old_cipher->open_sealed(*stored, item.associated);
      if (!plain.ok()) {
        // Sealed with neither key: stop, keeping what is done.
        return make_error(ErrorCode::internal, "cannot open " + item.id + " (" + item.associated +
                                                   "): " + plain.error().message);
      }
      const std::string resealed = item.text ? cipher.seal_text(*plain, item.associated)
                                             : cipher.seal(*plain, item.associated);
      MV_TRY(store.replace_sealed(item.column, item.id, resealed));
      ++moved;
    }
    if (done % 25 == 0 || done == items.size()) {
      std::printf("  %zu/%zu (%.0f%%)\n", done, items.size(),
                  100.0 * static_cast<double>(done) / static_cast<double>(items.size()));
      std::fflush(stdout);
    }
  }
  std::printf(
      "medvision keys rotate: %zu re-encrypted, %zu already under the new key or not sealed.\n"
      "Now start the server with --record-key-file %s (or MEDVISION_RECORD_KEY set to it), and "
      "keep\n"
      "the old key until the backups made with it have expired.\n",
      moved, skipped, o.new_key_file.c_str());
  return {};
}

}  // namespace

void add_keys_command(CLI::App& app) {
  auto* keys = app.add_subcommand("keys", "Manage the record key that seals patient records");
  keys->require_subcommand(1);
  auto options = std::make_shared<RotateOptions>();
  auto* rotate_cmd = keys->add_subcommand(
      "rotate", "Re-encrypt every sealed record under a new key (resumable; shows progress)");
  rotate_cmd->add_option("--db", options->db, "Store URL (default sqlite:<data>/medvision.db)");
  rotate_cmd->add_option("--data", options->data_dir, "Data folder (default ./var)");
  rotate_cmd->add_option("--key-file", options->key_file,
                         "The current key file (default MEDVISION_RECORD_KEY, else "
                         "<data>/record.key)");
  rotate_cmd
      ->add_option("--new-key-file", options->new_key_file,
                   "The new key: read if it exists, else created (mode 0600)")
      ->required();
  rotate_cmd->callback([options] {
    const Status done = rotate(*options);
    if (!done.ok()) {
      std::fprintf(stderr, "medvision keys rotate: %s\n", done.error().message.c_str());
      throw CLI::RuntimeError(2);
    }
  });
}

}  // namespace medvision
