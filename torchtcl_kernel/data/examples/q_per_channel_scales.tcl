# One scale per column; PyTorch keeps them in float64.
set m [torch::tensor_create {{1.0 10.0 100.0} {2.0 20.0 200.0}}]
set q [torch::quantize_per_channel $m [torch::tensor_create {0.05 0.5 5.0}] \
    [torch::tensor_create -data {0 0 0} -dtype int64] 1 quint8]
puts [torch::tensor_print [torch::q_per_channel_scales $q]]
