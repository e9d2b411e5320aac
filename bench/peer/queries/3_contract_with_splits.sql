-- One contract with its cost-sharing split three levels down, as one
-- statement building commtrack's JSON (shares by position, then id).
SELECT json_build_object('data', json_build_object('contract', json_build_object(
  'reference', c.reference,
  'title', c.title,
  'provider', json_build_object('name', p.name),
  'costShares', (
    SELECT coalesce(json_agg(json_build_object(
      'percentage', trim_scale(s1.share_ppm / 10000.0)::text,
      'party', json_build_object('name', o1.name),
      'shares', (
        SELECT coalesce(json_agg(json_build_object(
          'percentage', trim_scale(s2.share_ppm / 10000.0)::text,
          'party', json_build_object('name', o2.name),
          'shares', (
            SELECT coalesce(json_agg(json_build_object(
              'percentage', trim_scale(s3.share_ppm / 10000.0)::text,
              'party', json_build_object('name', o3.name)) ORDER BY s3.position, s3.id), '[]')
            FROM cost_shares s3 JOIN organisations o3 ON o3.id = s3.organisation_id
            WHERE s3.parent_id = s2.id)) ORDER BY s2.position, s2.id), '[]')
        FROM cost_shares s2 JOIN organisations o2 ON o2.id = s2.organisation_id
        WHERE s2.parent_id = s1.id)) ORDER BY s1.position, s1.id), '[]')
    FROM cost_shares s1 JOIN organisations o1 ON o1.id = s1.organisation_id
    WHERE s1.contract_id = c.id AND s1.parent_id IS NULL))))
FROM contracts c JOIN organisations p ON p.id = c.provider_id
WHERE c.reference = 'GEN-017442';
