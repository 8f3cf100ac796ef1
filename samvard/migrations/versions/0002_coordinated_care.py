"""coordinated care

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 12:24:40.712479
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=16), nullable=False),
        sa.Column("care_giver_hsaid", sa.String(length=31), nullable=False),
        sa.Column("unit_hsaid", sa.String(length=31), nullable=False),
        sa.Column("info_set", sa.String(length=16), nullable=False),
        sa.Column("node_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement")),
        sa.UniqueConstraint(
            "person_id", "unit_hsaid", "info_set", name=op.f("uq_engagement_person_id")
        ),
    )
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.create_index("ix_engagement_person", ["person_id"], unique=False)

    op.create_table(
        "log_review",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_seq", sa.BigInteger(), nullable=False),
        sa.Column("triggers", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("reviewer_hsaid", sa.String(length=31), nullable=False),
        sa.Column("care_giver_hsaid", sa.String(length=31), nullable=False),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_seq"], ["audit_entry.seq"], name=op.f("fk_log_review_audit_seq_audit_entry")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_log_review")),
        sa.UniqueConstraint("audit_seq", name=op.f("uq_log_review_audit_seq")),
    )
    op.create_table(
        "block",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("care_giver_hsaid", sa.String(length=31), nullable=False),
        sa.Column("unit_hsaid", sa.String(length=31), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_block_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_block")),
    )
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_block_person_id"), ["person_id"], unique=False)

    op.create_table(
        "consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("accessor_hsaid", sa.String(length=31), nullable=True),
        sa.Column("info_sets", sa.JSON(), nullable=True),
        sa.Column("basis", sa.String(length=16), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_by", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_consent_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent")),
    )
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_consent_person_id"), ["person_id"], unique=False)

    op.create_table(
        "emergency_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("staff_hsaid", sa.String(length=31), nullable=False),
        sa.Column("unit_hsaid", sa.String(length=31), nullable=False),
        sa.Column("care_giver_hsaid", sa.String(length=31), nullable=False),
        sa.Column("reason", sa.String(length=400), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_emergency_access_person_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emergency_access")),
    )
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_emergency_access_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("care_giver_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shareable", sa.Boolean(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["author_id"], ["staff.id"], name=op.f("fk_record_author_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["care_giver_id"], ["care_giver.id"], name=op.f("fk_record_care_giver_id_care_giver")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_record_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"], ["record.id"], name=op.f("fk_record_replaces_id_record")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_record_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record")),
    )
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_person_care_giver", ["person_id", "care_giver_id"], unique=False
        )
        batch_op.create_index("ix_record_person_kind", ["person_id", "kind"], unique=False)

    op.add_column("staff", sa.Column("person_number", sa.String(length=16), nullable=True))
    # A plain ALTER: a batch (copy-and-move) rebuild would drop the append-only triggers.
    op.add_column("audit_entry", sa.Column("source_hsaid", sa.String(length=64), nullable=True))
    op.create_index("ix_audit_entry_source_seq", "audit_entry", ["source_hsaid", "seq"])


def downgrade() -> None:
    with op.batch_alter_table("staff", schema=None) as batch_op:
        batch_op.drop_column("person_number")
    op.drop_index("ix_audit_entry_source_seq", table_name="audit_entry")
    op.drop_column("audit_entry", "source_hsaid")

    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index("ix_record_person_kind")
        batch_op.drop_index("ix_record_person_care_giver")

    op.drop_table("record")
    with op.batch_alter_table("emergency_access", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_access_person_id"))

    op.drop_table("emergency_access")
    with op.batch_alter_table("consent", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consent_person_id"))

    op.drop_table("consent")
    with op.batch_alter_table("block", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_block_person_id"))

    op.drop_table("block")
    op.drop_table("log_review")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index("ix_engagement_person")

    op.drop_table("engagement")
