"""guardianship

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guardianship",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guardian_id", sa.Integer(), nullable=False),
        sa.Column("child_id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["child_id"], ["person.id"], name=op.f("fk_guardianship_child_id_person")
        ),
        sa.ForeignKeyConstraint(
            ["guardian_id"], ["person.id"], name=op.f("fk_guardianship_guardian_id_person")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guardianship")),
    )
    with op.batch_alter_table("guardianship", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guardianship_child_id"), ["child_id"], unique=False)
        batch_op.create_index(
            "ix_guardianship_guardian_child", ["guardian_id", "child_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("guardianship", schema=None) as batch_op:
        batch_op.drop_index("ix_guardianship_guardian_child")
        batch_op.drop_index(batch_op.f("ix_guardianship_child_id"))
    op.drop_table("guardianship")
