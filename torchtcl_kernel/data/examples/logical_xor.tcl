# Switches that changed between two snapshots: true where exactly one side is on.
set morning [torch::tensor_create {1 0 1 1} bool]
set evening [torch::tensor_create {1 1 0 1} bool]
puts [torch::tensor_print [torch::logical_xor $morning $evening]]
