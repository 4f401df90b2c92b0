{{
    config(
        materialized='incremental',
        unique_key='node',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook="{{ delete_nodes_no_longer_landed() }}",
    )
}}
{%- set since = last_built_at() %}
-- Every identity node present in the landed data with the customer it resolves to: the key
-- registry without the nodes that are no longer landed (those keep their registry row but forget
-- their links). A build copies only the rows the registry wrote since the last one, and
-- its post-hook drops the nodes that left.

select node, node_type, node_id, customer_key, {{ build_stamp() }} as built_at
from {{ ref('int_customer_key_registry') }}
where links_fingerprint is not null
{%- if since %}
    and resolved_at > {{ since }}
{%- endif %}
