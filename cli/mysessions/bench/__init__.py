"""``mysessions bench``: the whole pipeline measured on the servers it runs on, with the
baselines it is judged against measured in the same run (a bare Kafka drain, the same with
contract validation, a naive handler), so the ratios hold on any machine."""
