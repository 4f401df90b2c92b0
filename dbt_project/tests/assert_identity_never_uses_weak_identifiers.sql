-- IP addresses, devices, cookies and typed-in web form values never become identity edges.
select *
from {{ ref('int_identity_edges') }}
where node_a like 'ip:%' or node_b like 'ip:%'
    or node_a like 'device:%' or node_b like 'device:%'
    or node_a like 'cookie:%' or node_b like 'cookie:%'
    or node_a like '%pii_cookie_%' or node_b like '%pii_cookie_%'
    or node_a like '%pii_ip_%' or node_b like '%pii_ip_%'
    or node_a like '%pii_device_%' or node_b like '%pii_device_%'
