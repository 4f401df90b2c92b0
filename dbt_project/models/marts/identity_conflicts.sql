-- The phones and emails that join no records because different people share them: a company's
-- switchboard or team mailbox, a family landline. For a data steward to review and correct at the
-- source; each stays on its contacts and conversations.

select
    identifier_token,
    identifier_kind,
    contacts,
    contact_groups,
    crm_ids,
    held_as,
    demoted_because
from {{ ref('int_identity_identifiers') }}
where demoted_because is not null
