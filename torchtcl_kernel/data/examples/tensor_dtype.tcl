# Dtype names as the commands report them.
foreach dt {float32 float64 bfloat16 int64 bool} {
    puts "$dt -> [torch::tensor_dtype [torch::zeros {1} $dt]]"
}
