-- The contracts page as one statement building commtrack's JSON: 50 current
-- contracts by current end date (then id), with provider, service, top-level
-- cost shares (by position) and extension options (by sequence).
SELECT json_build_object('data', json_build_object('contracts', json_build_object('nodes',
  coalesce(json_agg(json_build_object(
    'reference', c.reference,
    'currentEndDate', c.current_end_date,
    'provider', json_build_object('name', p.name),
    'service', json_build_object('name', s.name),
    'costShares', (SELECT coalesce(json_agg(json_build_object(
                      'percentage', trim_scale(cs.share_ppm / 10000.0)::text,
                      'party', json_build_object('name', o.name)) ORDER BY cs.position, cs.id), '[]')
                   FROM cost_shares cs JOIN organisations o ON o.id = cs.organisation_id
                   WHERE cs.contract_id = c.id AND cs.parent_id IS NULL),
    'extensionOptions', (SELECT coalesce(json_agg(json_build_object(
                            'decideBy', e.decide_by, 'state', upper(peer.extension_options_effective_state(e))) ORDER BY e.sequence), '[]')
                         FROM extension_options e WHERE e.contract_id = c.id)
  ) ORDER BY c.current_end_date, c.id), '[]'))))
FROM (SELECT * FROM contracts WHERE archived_at IS NULL ORDER BY current_end_date, id LIMIT 50) c
JOIN organisations p ON p.id = c.provider_id
JOIN services s ON s.id = c.service_id;
