"""Uploads the built web UI (ui/dist) to the stack's site bucket and invalidates CloudFront.

    .venv/bin/python infra/scripts/upload-site.py STACK_NAME [REGION]

Hashed files under assets/ are cached for a year; everything else (index.html) is revalidated on
every visit, so a deploy shows at once. Files of an earlier build that are gone are deleted after
the new ones are in place (a page already open keeps loading its chunks meanwhile).
"""

import mimetypes
import sys
import time
from pathlib import Path

import boto3

root = Path(__file__).resolve().parents[2]
dist = root / "ui" / "dist"


def outputs(cfn, stack):
    described = cfn.describe_stacks(StackName=stack)["Stacks"][0]
    return {o["OutputKey"]: o["OutputValue"] for o in described.get("Outputs", [])}


def main():
    stack = sys.argv[1] if len(sys.argv) > 1 else "b2b-portal"
    region = sys.argv[2] if len(sys.argv) > 2 else None
    session = boto3.session.Session(region_name=region)
    out = outputs(session.client("cloudformation"), stack)
    bucket, distribution = out["SiteBucketName"], out["SiteDistributionId"]
    if not (dist / "index.html").is_file():
        sys.exit("ui/dist/index.html is missing: build the UI first (cd ui && npm run build)")

    s3 = session.client("s3")
    uploaded = set()
    # index.html last: it names the new chunks, which must be there first.
    files = sorted((p for p in dist.rglob("*") if p.is_file()), key=lambda p: p.name == "index.html")
    for path in files:
        key = path.relative_to(dist).as_posix()
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        cache = "public, max-age=31536000, immutable" if key.startswith("assets/") else "no-cache"
        s3.upload_file(str(path), bucket, key, ExtraArgs={"ContentType": ctype, "CacheControl": cache})
        uploaded.add(key)
    print(f"uploaded {len(uploaded)} files to s3://{bucket}")

    stale = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        stale += [o["Key"] for o in page.get("Contents", []) if o["Key"] not in uploaded]
    for i in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in stale[i : i + 1000]]})
    if stale:
        print(f"deleted {len(stale)} files of earlier builds")

    session.client("cloudfront").create_invalidation(
        DistributionId=distribution,
        InvalidationBatch={"Paths": {"Quantity": 1, "Items": ["/*"]}, "CallerReference": str(time.time())},
    )
    print(f"invalidated CloudFront {distribution}; the portal: {out['SiteUrl']}")


if __name__ == "__main__":
    main()
