#pragma once
// The part of RecordStore written once over the SQL driver (store/sql_driver.h):
// tokens, sessions and their members, invitations and owning instances,
// studies, patients and care teams. Each backend derives from it and
// provides the driver; the older features still written per backend move
// here as they are touched.

#include "store/record_store.h"
#include "store/sql_driver.h"

namespace medvision::store {

class SqlRecordStore : public RecordStore {
 public:
  Status create_user(const UserRecord& user) override;
  Result<UserRecord> find_user_by_id(const std::string& id) override;
  Result<UserRecord> find_user_by_name(const std::string& username) override;
  Result<std::vector<UserRecord>> list_users() override;
  Status update_user(const UserRecord& user) override;
  Result<std::int64_t> count_users() override;

  Status create_series(const SeriesRecord& series) override;
  Result<SeriesRecord> get_series(const std::string& id) override;
  Result<std::vector<SeriesRecord>> list_series(const std::string& study_id) override;
  Status create_model(const ModelRecord& model) override;
  Result<ModelRecord> get_model(const std::string& id) override;
  Result<std::vector<ModelRecord>> list_models(const std::string& series_id) override;
  Status update_model(const ModelRecord& model) override;
  Result<std::int64_t> fail_building_models(const std::string& error, std::int64_t at_us) override;

  Status append_events(const std::vector<EventRecord>& events) override;
  Result<std::vector<EventRecord>> list_events(const std::string& session_id,
                                               std::uint64_t after_seq, std::size_t limit) override;
  Result<std::uint64_t> last_event_seq(const std::string& session_id) override;

  Status put_artifact(const ArtifactRecord& artifact) override;
  Result<ArtifactRecord> get_artifact(const std::string& id) override;
  Result<std::vector<ArtifactRecord>> list_artifacts(const std::string& session_id) override;

  Status append_audit(const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> list_audit(std::int64_t after_id, std::size_t limit) override;

  Status put_token(const TokenRecord& token) override;
  Result<TokenRecord> find_token(const std::string& token_hash) override;
  Status delete_token(const std::string& token_hash) override;
  Status delete_tokens_of_user(const std::string& user_id) override;
  Result<std::int64_t> purge_expired_tokens(std::int64_t now_us) override;
  Result<std::vector<std::string>> list_token_hashes_of_user(const std::string& user_id) override;

  Status create_session(const SessionRecord& session) override;
  Result<SessionRecord> get_session(const std::string& id) override;
  Result<std::vector<SessionRecord>> list_sessions() override;
  Status end_session(const std::string& id, SessionStatus status, std::int64_t ended_us) override;
  Result<std::int64_t> mark_running_sessions_abnormal(std::int64_t ended_us) override;
  Result<std::vector<SessionRecord>> list_orphaned_sessions(const std::string& restarting_instance,
                                                            std::int64_t now_us) override;
  Result<std::vector<SessionRecord>> list_sessions_of_member(const std::string& user_id) override;

  Status add_session_instructor(const std::string& session_id, const std::string& user_id,
                                std::int64_t added_us) override;
  Result<std::vector<std::string>> list_session_instructors(const std::string& session_id) override;
  Result<bool> is_session_instructor(const std::string& session_id,
                                     const std::string& user_id) override;

  Status put_session_member(const SessionMember& member) override;
  Result<std::optional<SessionMember>> find_session_member(const std::string& session_id,
                                                           const std::string& user_id) override;
  Result<std::vector<SessionMember>> list_session_members(const std::string& session_id) override;
  Status remove_session_member(const std::string& session_id, const std::string& user_id) override;
  Status put_session_invite(const SessionInvite& invite) override;
  Result<SessionInvite> use_session_invite(const std::string& code_hash,
                                           std::int64_t now_us) override;

  Status renew_instance_lease(const InstanceLease& lease) override;
  Result<std::optional<InstanceLease>> find_instance_lease(const std::string& id) override;
  Status set_session_instance(const std::string& session_id,
                              const std::string& instance_id) override;

  Status create_study(const StudyRecord& study) override;
  Result<StudyRecord> get_study(const std::string& id) override;
  Result<std::vector<StudyRecord>> list_studies() override;
  Status set_study_patient(const std::string& study_id,
                           const std::string& patient_record_id) override;
  Status replace_sealed(SealedColumn column, const std::string& id,
                        const std::string& value) override;

  Status create_patient(const PatientRecord& patient) override;
  Result<PatientRecord> get_patient(const std::string& id) override;
  Status update_patient(const PatientRecord& patient) override;
  Result<std::vector<PatientRecord>> list_patients() override;
  Status add_care_team_member(const CareTeamMember& member) override;
  Status remove_care_team_member(const std::string& patient_id,
                                 const std::string& user_id) override;
  Result<std::vector<CareTeamMember>> list_care_team(const std::string& patient_id) override;
  Result<bool> is_on_care_team(const std::string& patient_id, const std::string& user_id) override;
  Result<std::vector<std::string>> patients_cared_for_by(const std::string& user_id) override;
  Status grant_emergency_access(const EmergencyAccess& access) override;
  Result<std::vector<EmergencyAccess>> list_emergency_access(
      const std::string& patient_id) override;

 protected:
  virtual SqlDriver& sql() = 0;
};

}  // namespace medvision::store
