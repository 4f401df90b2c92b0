-- Agents (users), one row per agent and version: an agent who left ends in a version in state
-- deleted. Built from the daily listings: join a fact to the version valid on its day for the name
-- it had then, or to is_current for today's.
{{ directory_versions(
    ref('stg_genesys__agents'), 'agent_id',
    ['agent_name', 'agent_state', 'division_id', 'title', 'department', 'email_token']
) }}
