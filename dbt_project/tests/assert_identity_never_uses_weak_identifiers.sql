-- IP addresses, devices, cookies and typed-in web form values never become identity edges.
-- Checked where the latest build wrote (an edge row is written once and never updated); a full
-- refresh writes, and so checks, every edge.
select *
from {{ ref('int_identity_edges') }}
where {{ written_by_latest_build(ref('int_identity_edges')) }}
    and (
        node_a like 'ip:%' or node_b like 'ip:%'
        or node_a like 'device:%' or node_b like 'device:%'
        or node_a like 'cookie:%' or node_b like 'cookie:%'
        or node_a like '%pii_cookie_%' or node_b like '%pii_cookie_%'
        or node_a like '%pii_ip_%' or node_b like '%pii_ip_%'
        or node_a like '%pii_device_%' or node_b like '%pii_device_%'
    )
