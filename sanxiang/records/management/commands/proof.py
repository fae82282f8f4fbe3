"""``sanxiang proof``: inclusion and consistency proofs of the record log (RFC 9162).

    sanxiang proof inclusion SEQ [--size N] [--json]
    sanxiang proof consistency SIZE1 SIZE2 [--json]

The proof is checked with the RFC 9162 verifier before it is printed. Hashes are printed in hex
(text) or base64 (JSON). Errors are ``CommandError`` with a Chinese message: a non-zero exit.
"""

import base64
import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from sanxiang.records import merkle, proofs


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


class Command(BaseCommand):
    help = "记录日志的证明：某条目包含在某个树大小中的包含证明，或两个树大小之间的一致性证明。"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{inclusion,consistency}")
        p = sub.add_parser("inclusion", help="条目 SEQ 的包含证明（默认针对日志当前大小）")
        p.add_argument("seq", help="条目序号（从 0 开始）")
        p.add_argument("--size", help="树大小（默认为日志当前的条目数）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出（哈希为 base64）")
        p = sub.add_parser("consistency", help="从树大小 SIZE1 到 SIZE2 的一致性证明")
        p.add_argument("size1", help="较早的树大小（大于 0）")
        p.add_argument("size2", help="较晚的树大小（不超过日志当前的条目数）")
        p.add_argument("--json", action="store_true", help="以 JSON 输出（哈希为 base64）")

    def handle(self, *args, action, **options):
        try:
            if action == "inclusion":
                self._inclusion(options["seq"], options["size"], options["json"])
            else:
                self._consistency(options["size1"], options["size2"], options["json"])
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except (proofs.MissingNode, merkle.ProofError) as exc:
            raise CommandError(f"无法给出证明：{exc}") from None

    def _inclusion(self, seq, size, as_json):
        proof = proofs.inclusion_proof(seq, size)
        merkle.verify_inclusion(proof["leaf_hash"], proof["leaf_index"], proof["tree_size"], proof["hashes"],
                                proof["root"])
        if as_json:
            self.stdout.write(json.dumps({
                "leaf_index": proof["leaf_index"], "tree_size": proof["tree_size"],
                "leaf_hash": _b64(proof["leaf_hash"]), "root": _b64(proof["root"]),
                "hashes": [_b64(h) for h in proof["hashes"]],
            }, indent=2))
            return
        self.stdout.write(f"条目 {proof['leaf_index']} 包含在大小为 {proof['tree_size']} 的树中（已验证）")
        self.stdout.write(f"叶哈希：{proof['leaf_hash'].hex()}\n根哈希：{proof['root'].hex()}")
        self.stdout.write(f"证明（{len(proof['hashes'])} 个哈希）：")
        for h in proof["hashes"]:
            self.stdout.write(f"  {h.hex()}")

    def _consistency(self, size1, size2, as_json):
        proof = proofs.consistency_proof(size1, size2)
        merkle.verify_consistency(proof["size1"], proof["size2"], proof["root1"], proof["root2"], proof["hashes"])
        if as_json:
            self.stdout.write(json.dumps({
                "size1": proof["size1"], "size2": proof["size2"], "root1": _b64(proof["root1"]),
                "root2": _b64(proof["root2"]), "hashes": [_b64(h) for h in proof["hashes"]],
            }, indent=2))
            return
        self.stdout.write(f"大小为 {proof['size2']} 的树包含大小为 {proof['size1']} 的树（已验证）")
        self.stdout.write(f"根哈希 {proof['size1']}：{proof['root1'].hex()}\n根哈希 {proof['size2']}：{proof['root2'].hex()}")
        self.stdout.write(f"证明（{len(proof['hashes'])} 个哈希）：")
        for h in proof["hashes"]:
            self.stdout.write(f"  {h.hex()}")
