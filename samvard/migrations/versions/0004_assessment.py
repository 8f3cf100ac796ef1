"""symptom assessments and their events

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_content_version()
    _create_assessment()
    op.create_table(
        "followup_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_ref", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("complaint_id", sa.String(length=64), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column("disposition", sa.String(length=32), nullable=True),
        sa.Column("channel", sa.String(length=32), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_followup_event")),
    )
    with op.batch_alter_table("followup_event", schema=None) as batch_op:
        batch_op.create_index("ix_followup_event_ref", ["assessment_ref", "kind"], unique=False)
        batch_op.create_index("ix_followup_event_region_at", ["region_code", "at"], unique=False)


def _create_content_version() -> None:
    op.create_table(
        "triage_content_version",
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_triage_content_version")),
    )


def _create_assessment() -> None:
    op.create_table(
        "assessment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("complaint_id", sa.String(length=64), nullable=True),
        sa.Column("content_version", sa.String(length=32), nullable=False),
        sa.Column("age_days", sa.Integer(), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=True),
        sa.Column("urgency", sa.String(length=16), nullable=True),
        sa.Column("disposition", sa.String(length=32), nullable=True),
        sa.Column("trace", sa.JSON(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_version"],
            ["triage_content_version.version"],
            name=op.f("fk_assessment_content_version_triage_content_version"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_assessment_person_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["person.id"], name=op.f("fk_assessment_started_by_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment")),
        sa.UniqueConstraint("ref", name=op.f("uq_assessment_ref")),
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.create_index("ix_assessment_person", ["person_id", "started_at"], unique=False)
        batch_op.create_index(
            "ix_assessment_started_by", ["started_by_id", "started_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("followup_event", schema=None) as batch_op:
        batch_op.drop_index("ix_followup_event_region_at")
        batch_op.drop_index("ix_followup_event_ref")
    op.drop_table("followup_event")
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_index("ix_assessment_started_by")
        batch_op.drop_index("ix_assessment_person")
    op.drop_table("assessment")
    op.drop_table("triage_content_version")
