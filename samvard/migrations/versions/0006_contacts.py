"""contacts: queue, chat and booking

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    _create_contact()
    _create_chat_message()
    _create_slot()


def _create_contact() -> None:
    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=36), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=True),
        sa.Column("followup_ref", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=2), nullable=False),
        sa.Column("channel_id", sa.String(length=64), nullable=False),
        sa.Column("channel_kind", sa.String(length=32), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("urgency_rank", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("claimed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_advice", sa.Text(), nullable=True),
        sa.Column("staff_read_seq", sa.Integer(), nullable=False),
        sa.Column("sbar", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"], ["assessment.id"], name=op.f("fk_contact_assessment_id_assessment")
        ),
        sa.ForeignKeyConstraint(
            ["claimed_by_id"], ["staff.id"], name=op.f("fk_contact_claimed_by_id_staff")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_contact_person_id_person")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_contact_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
        sa.UniqueConstraint("assessment_id", name=op.f("uq_contact_assessment_id")),
        sa.UniqueConstraint("ref", name=op.f("uq_contact_ref")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_person_id"), ["person_id"], unique=False)
        batch_op.create_index(
            "ix_contact_unit_queue",
            ["unit_id", "status", "urgency_rank", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            "ix_contact_region_channel", ["region_code", "channel_id", "status"], unique=False
        )
        batch_op.create_index("ix_contact_claimed_by", ["claimed_by_id", "status"], unique=False)


def _create_chat_message() -> None:
    op.create_table(
        "chat_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("sender_kind", sa.String(length=16), nullable=False),
        sa.Column("sender_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("client_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_chat_message_contact_id_contact")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_message")),
        sa.UniqueConstraint("contact_id", "seq", name="uq_chat_message_contact_seq"),
        sa.UniqueConstraint("contact_id", "client_id", name="uq_chat_message_contact_client"),
    )


def _create_slot() -> None:
    op.create_table(
        "slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("booked_contact_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["booked_contact_id"], ["contact.id"], name=op.f("fk_slot_booked_contact_id_contact")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["unit.id"], name=op.f("fk_slot_unit_id_unit")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot")),
        sa.UniqueConstraint("booked_contact_id", name=op.f("uq_slot_booked_contact_id")),
    )
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.create_index("ix_slot_unit_starts", ["unit_id", "starts_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("slot", schema=None) as batch_op:
        batch_op.drop_index("ix_slot_unit_starts")
    op.drop_table("slot")
    op.drop_table("chat_message")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_claimed_by")
        batch_op.drop_index("ix_contact_region_channel")
        batch_op.drop_index("ix_contact_unit_queue")
        batch_op.drop_index(batch_op.f("ix_contact_person_id"))
    op.drop_table("contact")
