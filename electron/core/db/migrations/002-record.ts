import type { Migration } from './migration';

/**
 * The clinical record: users, case identifiers, decisions, signatures, reports and their export
 * log, model versions, training runs, settings and the audit log.
 *
 * The rules that must hold even if core has a bug (or someone writes with another SQLite client)
 * are triggers here: the status flow, the freeze of signed cases, decisions and signatures, "only
 * active physicians sign", "no sign-off without a reading and a decision", and the append-only,
 * linked audit log. What SQLite cannot do (sha256, password checks) is done in core and checked
 * afterwards by `ana audit verify`.
 */
export const migration002: Migration = {
  name: 'record',
  up(db) {
    db.exec(`
      CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE CHECK (length(username) BETWEEN 1 AND 200),
        display_name TEXT NOT NULL CHECK (length(display_name) BETWEEN 1 AND 200),
        role TEXT NOT NULL CHECK (role IN ('technologist','physician','admin')),
        password_hash TEXT NOT NULL CHECK (password_hash LIKE 'scrypt$%'),
        active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;
      -- Accounts are never deleted (the audit log and signatures name them); deactivate instead.
      CREATE TRIGGER users_no_delete BEFORE DELETE ON users
      BEGIN SELECT RAISE(ABORT, 'users cannot be deleted; deactivate the account instead'); END;
      CREATE TRIGGER users_username_fixed BEFORE UPDATE OF username ON users WHEN NEW.username IS NOT OLD.username
      BEGIN SELECT RAISE(ABORT, 'a username cannot be changed'); END;

      ALTER TABLE cases ADD COLUMN patient_id TEXT;
      ALTER TABLE cases ADD COLUMN patient_name TEXT;
      ALTER TABLE cases ADD COLUMN patient_birth_date TEXT;
      ALTER TABLE cases ADD COLUMN run_id TEXT;
      CREATE INDEX cases_received ON cases(received_at_ms);
      CREATE INDEX cases_run ON cases(run_id);
      CREATE INDEX cases_status ON cases(status);

      ALTER TABLE readings ADD COLUMN thresholds_json TEXT; -- the model's per-label thresholds at read time

      CREATE TABLE decisions (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        version INTEGER NOT NULL CHECK (version >= 1),
        supersedes_id INTEGER REFERENCES decisions(id),
        state TEXT NOT NULL CHECK (state IN ('draft','signed')),
        labels_json TEXT NOT NULL,        -- [{key, icapCode, intensity, titer}], empty = negative (AC-0)
        comment TEXT NOT NULL DEFAULT '',
        agreement_json TEXT NOT NULL,     -- {labelKey: 'confirmed'|'added'|'rejected'} against the suggestion
        suggestion_json TEXT NOT NULL,    -- the suggestion the reviewer saw: reading ids, probabilities
        amendment_reason TEXT,
        reviewer_id INTEGER NOT NULL REFERENCES users(id),
        created_at_ms INTEGER NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        UNIQUE (case_id, version),
        CHECK ((version = 1) = (supersedes_id IS NULL)),
        CHECK ((supersedes_id IS NULL) = (amendment_reason IS NULL))
      ) STRICT;
      CREATE UNIQUE INDEX decisions_one_draft ON decisions(case_id) WHERE state = 'draft';

      CREATE TABLE signatures (
        id INTEGER PRIMARY KEY,
        case_id INTEGER NOT NULL REFERENCES cases(id),
        decision_id INTEGER NOT NULL UNIQUE REFERENCES decisions(id),
        signer_id INTEGER NOT NULL REFERENCES users(id),
        signer_name TEXT NOT NULL,        -- printed name at signing time
        meaning TEXT NOT NULL CHECK (meaning IN ('reviewed','approved','amended')),
        signed_at_ms INTEGER NOT NULL,
        content_json TEXT NOT NULL,       -- the exact canonical content that was signed
        content_sha256 TEXT NOT NULL CHECK (length(content_sha256) = 64),
        supersedes_id INTEGER UNIQUE REFERENCES signatures(id)
      ) STRICT;
      CREATE INDEX signatures_case ON signatures(case_id);

      -- Status flow: new → read → in_review → signed → amended (→ amended again).
      CREATE TRIGGER cases_status_flow BEFORE UPDATE OF status ON cases
      WHEN NEW.status IS NOT OLD.status AND NOT (
        (OLD.status = 'new' AND NEW.status IN ('read','in_review')) OR
        (OLD.status = 'read' AND NEW.status = 'in_review') OR
        (OLD.status = 'in_review' AND NEW.status = 'signed') OR
        (OLD.status IN ('signed','amended') AND NEW.status = 'amended'))
      BEGIN SELECT RAISE(ABORT, 'case status cannot change this way'); END;
      CREATE TRIGGER cases_signed_needs_signature BEFORE UPDATE OF status ON cases
      WHEN NEW.status = 'signed' AND NOT EXISTS (SELECT 1 FROM signatures WHERE case_id = NEW.id)
      BEGIN SELECT RAISE(ABORT, 'a case becomes signed only through a signature'); END;
      CREATE TRIGGER cases_amended_needs_signature BEFORE UPDATE OF status ON cases
      WHEN NEW.status = 'amended' AND NEW.status IS NOT OLD.status
        AND NOT EXISTS (SELECT 1 FROM signatures WHERE case_id = NEW.id AND supersedes_id IS NOT NULL)
      BEGIN SELECT RAISE(ABORT, 'a case becomes amended only through an amendment signature'); END;
      -- A signed case is frozen: the only change left is the status moving to amended.
      CREATE TRIGGER cases_signed_frozen BEFORE UPDATE ON cases
      WHEN OLD.status IN ('signed','amended') AND NOT (
        NEW.status = 'amended' AND NEW.id IS OLD.id AND NEW.accession_id IS OLD.accession_id
        AND NEW.received_at_ms IS OLD.received_at_ms AND NEW.created_at_ms IS OLD.created_at_ms
        AND NEW.patient_id IS OLD.patient_id AND NEW.patient_name IS OLD.patient_name
        AND NEW.patient_birth_date IS OLD.patient_birth_date AND NEW.run_id IS OLD.run_id)
      BEGIN SELECT RAISE(ABORT, 'a signed case cannot be changed; amend it'); END;
      CREATE TRIGGER cases_signed_no_delete BEFORE DELETE ON cases WHEN OLD.status IN ('signed','amended')
      BEGIN SELECT RAISE(ABORT, 'a signed case cannot be deleted'); END;

      CREATE TRIGGER slides_signed_no_insert BEFORE INSERT ON slides
      WHEN (SELECT status FROM cases WHERE id = NEW.case_id) IN ('signed','amended')
      BEGIN SELECT RAISE(ABORT, 'cannot add a slide to a signed case'); END;
      CREATE TRIGGER slides_signed_no_update BEFORE UPDATE ON slides
      WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IN ('signed','amended')
        OR (SELECT status FROM cases WHERE id = NEW.case_id) IN ('signed','amended')
      BEGIN SELECT RAISE(ABORT, 'a slide of a signed case cannot be changed'); END;
      CREATE TRIGGER slides_signed_no_delete BEFORE DELETE ON slides
      WHEN (SELECT status FROM cases WHERE id = OLD.case_id) IN ('signed','amended')
      BEGIN SELECT RAISE(ABORT, 'a slide of a signed case cannot be deleted'); END;
      CREATE TRIGGER readings_signed_no_update BEFORE UPDATE ON readings
      WHEN (SELECT c.status FROM cases c JOIN slides s ON s.case_id = c.id WHERE s.id = OLD.slide_id) IN ('signed','amended')
      BEGIN SELECT RAISE(ABORT, 'a reading of a signed case cannot be changed'); END;
      CREATE TRIGGER readings_signed_no_delete BEFORE DELETE ON readings
      WHEN (SELECT c.status FROM cases c JOIN slides s ON s.case_id = c.id WHERE s.id = OLD.slide_id) IN ('signed','amended')
      BEGIN SELECT RAISE(ABORT, 'a reading of a signed case cannot be deleted'); END;

      -- Decisions: inserted as drafts; a draft becomes signed only by its signature; signed is final.
      CREATE TRIGGER decisions_insert_draft BEFORE INSERT ON decisions WHEN NEW.state IS NOT 'draft'
      BEGIN SELECT RAISE(ABORT, 'a decision is created as a draft and signed by a signature'); END;
      CREATE TRIGGER decisions_signed_case BEFORE INSERT ON decisions
      WHEN (SELECT status FROM cases WHERE id = NEW.case_id) IN ('signed','amended') AND (
        NEW.supersedes_id IS NULL OR NEW.supersedes_id IS NOT (
          SELECT id FROM decisions WHERE case_id = NEW.case_id AND state = 'signed' ORDER BY version DESC LIMIT 1))
      BEGIN SELECT RAISE(ABORT, 'the case is signed: a new decision must amend its latest signed decision'); END;
      CREATE TRIGGER decisions_unsigned_case BEFORE INSERT ON decisions
      WHEN (SELECT status FROM cases WHERE id = NEW.case_id) NOT IN ('signed','amended') AND NEW.supersedes_id IS NOT NULL
      BEGIN SELECT RAISE(ABORT, 'only a signed case can be amended'); END;
      CREATE TRIGGER decisions_signed_frozen BEFORE UPDATE ON decisions WHEN OLD.state = 'signed'
      BEGIN SELECT RAISE(ABORT, 'a signed decision cannot be changed; amend it'); END;
      CREATE TRIGGER decisions_identity_fixed BEFORE UPDATE ON decisions
      WHEN NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id OR NEW.version IS NOT OLD.version
        OR NEW.supersedes_id IS NOT OLD.supersedes_id
      BEGIN SELECT RAISE(ABORT, 'a decision cannot move to another case or version'); END;
      CREATE TRIGGER decisions_sign_needs_signature BEFORE UPDATE OF state ON decisions
      WHEN NEW.state = 'signed' AND NOT EXISTS (SELECT 1 FROM signatures WHERE decision_id = NEW.id)
      BEGIN SELECT RAISE(ABORT, 'a decision becomes signed only through a signature'); END;
      CREATE TRIGGER decisions_signed_no_delete BEFORE DELETE ON decisions WHEN OLD.state = 'signed'
      BEGIN SELECT RAISE(ABORT, 'a signed decision cannot be deleted'); END;

      -- Signatures: only active physicians; never without a reading and a draft decision; immutable.
      CREATE TRIGGER signatures_physician_only BEFORE INSERT ON signatures
      WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.signer_id AND role = 'physician' AND active = 1)
      BEGIN SELECT RAISE(ABORT, 'only an active physician can sign'); END;
      CREATE TRIGGER signatures_need_decision BEFORE INSERT ON signatures
      WHEN NOT EXISTS (SELECT 1 FROM decisions WHERE id = NEW.decision_id AND case_id = NEW.case_id AND state = 'draft')
      BEGIN SELECT RAISE(ABORT, 'no sign-off without an unsigned decision of this case'); END;
      CREATE TRIGGER signatures_need_reading BEFORE INSERT ON signatures
      WHEN NOT EXISTS (SELECT 1 FROM readings r JOIN slides s ON s.id = r.slide_id WHERE s.case_id = NEW.case_id AND r.status = 'done')
      BEGIN SELECT RAISE(ABORT, 'no sign-off without a reading'); END;
      CREATE TRIGGER signatures_amend_chain BEFORE INSERT ON signatures
      WHEN NEW.supersedes_id IS NOT (SELECT id FROM signatures WHERE case_id = NEW.case_id ORDER BY id DESC LIMIT 1)
      BEGIN SELECT RAISE(ABORT, 'a signature must supersede the latest signature of its case (and only an amendment may)'); END;
      CREATE TRIGGER signatures_no_update BEFORE UPDATE ON signatures
      BEGIN SELECT RAISE(ABORT, 'signatures cannot be changed'); END;
      CREATE TRIGGER signatures_no_delete BEFORE DELETE ON signatures
      BEGIN SELECT RAISE(ABORT, 'signatures cannot be deleted'); END;

      CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        case_id INTEGER REFERENCES cases(id),        -- null for multi-case exports (e.g. a run's CSV)
        signature_id INTEGER REFERENCES signatures(id),
        format TEXT NOT NULL CHECK (format IN ('pdf','hl7','csv')),
        file_name TEXT NOT NULL,
        bytes BLOB NOT NULL,
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        created_by INTEGER REFERENCES users(id),
        created_at_ms INTEGER NOT NULL,
        superseded_by_id INTEGER REFERENCES reports(id)
      ) STRICT;
      CREATE INDEX reports_case ON reports(case_id);
      CREATE TRIGGER reports_only_supersede BEFORE UPDATE ON reports
      WHEN OLD.superseded_by_id IS NOT NULL OR NEW.superseded_by_id IS NULL
        OR NEW.id IS NOT OLD.id OR NEW.case_id IS NOT OLD.case_id OR NEW.signature_id IS NOT OLD.signature_id
        OR NEW.format IS NOT OLD.format OR NEW.file_name IS NOT OLD.file_name OR NEW.bytes IS NOT OLD.bytes
        OR NEW.sha256 IS NOT OLD.sha256 OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at_ms IS NOT OLD.created_at_ms
      BEGIN SELECT RAISE(ABORT, 'a report cannot be changed, only superseded once'); END;
      CREATE TRIGGER reports_no_delete BEFORE DELETE ON reports
      BEGIN SELECT RAISE(ABORT, 'reports cannot be deleted'); END;

      CREATE TABLE report_exports (
        id INTEGER PRIMARY KEY,
        report_id INTEGER REFERENCES reports(id),
        format TEXT NOT NULL CHECK (format IN ('pdf','hl7','csv')),
        destination TEXT NOT NULL,                   -- file path or LIS endpoint
        sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
        size_bytes INTEGER NOT NULL,
        case_ids_json TEXT NOT NULL,
        deidentified INTEGER NOT NULL DEFAULT 0 CHECK (deidentified IN (0,1)),
        status TEXT NOT NULL CHECK (status IN ('ok','failed')),
        error TEXT,
        exported_by INTEGER REFERENCES users(id),
        exported_at_ms INTEGER NOT NULL
      ) STRICT;
      CREATE TRIGGER report_exports_no_update BEFORE UPDATE ON report_exports
      BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;
      CREATE TRIGGER report_exports_no_delete BEFORE DELETE ON report_exports
      BEGIN SELECT RAISE(ABORT, 'the export log is append-only'); END;

      CREATE TABLE model_versions (
        id INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL,
        version TEXT NOT NULL,
        manifest_json TEXT NOT NULL,
        package_sha256 TEXT NOT NULL CHECK (length(package_sha256) = 64),
        dir_path TEXT NOT NULL,
        source TEXT NOT NULL CHECK (source IN ('shipped','fine-tuned','imported')),
        parent_id INTEGER REFERENCES model_versions(id),
        training_run_id INTEGER REFERENCES training_runs(id),
        status TEXT NOT NULL CHECK (status IN ('candidate','validated','rejected','released','retired')),
        validation_json TEXT,                        -- the validation gate's metrics and verdict
        created_at_ms INTEGER NOT NULL,
        released_at_ms INTEGER,
        released_by INTEGER REFERENCES users(id),
        UNIQUE (model_id, version)
      ) STRICT;
      CREATE TRIGGER model_versions_no_delete BEFORE DELETE ON model_versions
      BEGIN SELECT RAISE(ABORT, 'model versions cannot be deleted; retire them'); END;
      CREATE TRIGGER model_versions_content_fixed BEFORE UPDATE ON model_versions
      WHEN NEW.model_id IS NOT OLD.model_id OR NEW.version IS NOT OLD.version OR NEW.manifest_json IS NOT OLD.manifest_json
        OR NEW.package_sha256 IS NOT OLD.package_sha256 OR NEW.source IS NOT OLD.source OR NEW.parent_id IS NOT OLD.parent_id
      BEGIN SELECT RAISE(ABORT, 'a model version''s content cannot change; register a new version'); END;

      CREATE TABLE training_runs (
        id INTEGER PRIMARY KEY,
        base_model_version_id INTEGER REFERENCES model_versions(id),
        status TEXT NOT NULL CHECK (status IN ('queued','running','succeeded','failed','cancelled')),
        config_json TEXT NOT NULL,
        dataset_json TEXT NOT NULL,                  -- case/slide ids and counts per split
        seed INTEGER NOT NULL,
        metrics_json TEXT,
        error TEXT,
        result_model_version_id INTEGER REFERENCES model_versions(id),
        started_by INTEGER REFERENCES users(id),
        created_at_ms INTEGER NOT NULL,
        started_at_ms INTEGER,
        finished_at_ms INTEGER
      ) STRICT;
      CREATE TRIGGER training_runs_no_delete BEFORE DELETE ON training_runs
      BEGIN SELECT RAISE(ABORT, 'training runs cannot be deleted'); END;

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value_json TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL,
        updated_by INTEGER REFERENCES users(id)
      ) STRICT;

      -- The audit log: append-only; each row carries the previous row's hash, so an insert that
      -- does not extend the chain's head is refused here, and edits are found by re-hashing.
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at_ms INTEGER NOT NULL,
        user_id INTEGER REFERENCES users(id),
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id TEXT,
        case_id INTEGER,
        old_json TEXT,
        new_json TEXT,
        prev_hash TEXT NOT NULL CHECK (length(prev_hash) = 64),
        hash TEXT NOT NULL CHECK (length(hash) = 64)
      ) STRICT;
      CREATE INDEX audit_case ON audit_log(case_id);
      CREATE INDEX audit_entity ON audit_log(entity, entity_id);
      CREATE INDEX audit_actor_action ON audit_log(actor, action, at_ms);
      CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
      CREATE TRIGGER audit_extends_head BEFORE INSERT ON audit_log
      WHEN NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), '${'0'.repeat(64)}')
        OR NEW.id IS NOT coalesce((SELECT max(id) FROM audit_log), 0) + 1
      BEGIN SELECT RAISE(ABORT, 'an audit entry must extend the head of the chain'); END;
    `);
  },
};
