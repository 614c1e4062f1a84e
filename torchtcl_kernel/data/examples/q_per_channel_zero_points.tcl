# One zero point per row of a per-channel quantized matrix.
set m [torch::tensor_create {{-1.0 1.0} {0.0 4.0}}]
set q [torch::quantize_per_channel $m [torch::tensor_create {0.1 0.1}] \
    [torch::tensor_create -data {128 10} -dtype int64] 0 quint8]
puts [torch::tensor_print [torch::q_per_channel_zero_points $q]]
